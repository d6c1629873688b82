"""The money an asset needs after it is built, year by year, against the budget: pure
computation (no Django), on plain dataclasses, tested on hand figures (docs/maintenance.md).

For the projected years ``first_year + 1 .. first_year + years`` (``years`` 1 to 10), an
asset needs:

- **planned maintenance**: each active plan recurs every ``interval_months`` from its
  ``next_due_on``; every occurrence falling in the year costs the plan's ``cost``;
- **renewal**: when the asset reaches its design life (the year it opened plus
  ``design_life_years``, and every design life after that) it is rebuilt for
  ``built_cost × RENEWAL_SHARE`` in that year. An asset already past its design life at the
  start of the projection is due for renewal in the first projected year (it is overdue),
  then every design life after;
- **the overdue backlog**: open work past its due date (its estimated cost), all in the
  first projected year.

The budget of a year: the county's total is the county's own entry plus every township's
entry. A township has its own entry plus **a share of the county's entry in proportion to
its share of the county's need that year** (the county's money follows the work), so the
townships' amounts add up to the county's total.

The funding gap of a year is the need less the budget (negative: money left over); the
cumulative gap is the sum of the gaps so far (money left over one year pays for the next).

**Who falls into disrepair first.** Each year, the scope's work is funded in this order
until the budget runs out: work that includes overdue items (backlog or an overdue renewal)
first; then by condition, worst first (out of use, poor, fair, good); on a tie the
safety-critical kinds (bridges, water supply) first; then the asset's id. An asset's work of
a year is funded in full or not at all, and once one asset's work does not fit, no asset
after it in the order is funded that year (no jumping the queue with cheaper work). An asset
whose work goes unfunded is listed with the first year that happens; the list is ordered by
that year, then by the funding order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# Rebuilding an asset at the end of its design life costs this share of what building it
# cost (the site, foundations and design are reused; the county's 2025 rebuilding of roads
# and bridges came to about half of the new-build cost).
RENEWAL_SHARE = Decimal("0.5")
MAX_YEARS = 10
CENT = Decimal("0.01")
# Failed first: the worse the condition, the sooner its work is funded.
CONDITION_RANK = {"failed": 0, "poor": 1, "fair": 2, "good": 3}
SAFETY_CRITICAL = frozenset({"bridge", "water"})
ZERO = Decimal(0)


@dataclass(frozen=True)
class Plan:
    interval_months: int
    cost: Decimal
    next_due_on: date


@dataclass(frozen=True)
class Asset:
    id: int
    name: str
    kind: str
    township: str  # the township's code ("" for a county-level asset)
    condition: str = "good"
    opened_on: date | None = None
    built_cost: Decimal | None = None
    design_life_years: int | None = None
    plans: tuple[Plan, ...] = ()
    overdue: Decimal = ZERO  # estimated cost of open work past its due date

    @property
    def safety_critical(self) -> bool:
        return self.kind in SAFETY_CRITICAL


@dataclass(frozen=True)
class Need:
    planned: Decimal = ZERO
    renewal: Decimal = ZERO
    backlog: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.planned + self.renewal + self.backlog


@dataclass(frozen=True)
class AssetRow:
    asset: Asset
    needs: list[Need]  # one per projected year
    late_renewal: bool = False  # past its design life at the start (renewal in year one)

    @property
    def total(self) -> Decimal:
        return sum((n.total for n in self.needs), ZERO)


@dataclass(frozen=True)
class Unfunded:
    asset: Asset
    year: int
    amount: Decimal  # the work of that year left unfunded


@dataclass
class Projection:
    first_year: int  # the first projected year
    years: list[int]
    assets: list[AssetRow]
    need: list[Decimal]  # the scope's need per year
    budget: list[Decimal]  # the scope's budget per year
    by_township: dict[str, list[Decimal]] = field(default_factory=dict)
    unfunded: list[Unfunded] = field(default_factory=list)

    @property
    def gap(self) -> list[Decimal]:
        return [n - b for n, b in zip(self.need, self.budget, strict=True)]

    @property
    def cumulative_gap(self) -> list[Decimal]:
        out: list[Decimal] = []
        running = ZERO
        for g in self.gap:
            running += g
            out.append(running)
        return out


@dataclass(frozen=True)
class Budgets:
    """Entered budgets: the county's per year, and each township's (by code) per year."""

    county: dict[int, Decimal] = field(default_factory=dict)
    townships: dict[str, dict[int, Decimal]] = field(default_factory=dict)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover (28 always exists)


def occurrences(plan: Plan, years: list[int]) -> dict[int, int]:
    """How many times ``plan`` falls due in each of ``years``."""
    counts = dict.fromkeys(years, 0)
    if not years:
        return counts
    last = date(years[-1], 12, 31)
    k = 0
    due = plan.next_due_on
    while due <= last:
        if due.year in counts:
            counts[due.year] += 1
        k += 1
        due = add_months(plan.next_due_on, plan.interval_months * k)
    return counts


def renewal_years(asset: Asset, years: list[int]) -> tuple[list[int], bool]:
    """The projected years in which ``asset`` is renewed, and whether the first is late."""
    life = asset.design_life_years
    if not years or not life or asset.opened_on is None or not asset.built_cost:
        return [], False
    due = asset.opened_on.year + life
    late = False
    if due < years[0]:
        late = True
        due = years[0]
    out = []
    while due <= years[-1]:
        out.append(due)
        due += life
    return out, late


def asset_needs(asset: Asset, years: list[int]) -> AssetRow:
    planned = dict.fromkeys(years, ZERO)
    for plan in asset.plans:
        for year, n in occurrences(plan, years).items():
            planned[year] += plan.cost * n
    renewals, late = renewal_years(asset, years)
    renewal_cost = (asset.built_cost or ZERO) * RENEWAL_SHARE
    needs = [
        Need(
            planned=planned[y],
            renewal=renewal_cost * renewals.count(y),
            backlog=asset.overdue if i == 0 else ZERO,
        )
        for i, y in enumerate(years)
    ]
    return AssetRow(asset=asset, needs=needs, late_renewal=late)


def funding_key(row: AssetRow, index: int) -> tuple[int, int, int, int]:
    """The funding order of an asset's work in the year at ``index`` (smaller first)."""
    need = row.needs[index]
    overdue = need.backlog > 0 or (index == 0 and row.late_renewal and need.renewal > 0)
    return (
        0 if overdue else 1,
        CONDITION_RANK.get(row.asset.condition, len(CONDITION_RANK)),
        0 if row.asset.safety_critical else 1,
        row.asset.id,
    )


def fund(rows: list[AssetRow], budget: Decimal, index: int) -> list[tuple[AssetRow, Decimal]]:
    """The assets whose work of the year at ``index`` goes unfunded with ``budget``, in the
    funding order, with the amount."""
    left = budget
    stopped = False
    unfunded: list[tuple[AssetRow, Decimal]] = []
    for row in sorted(rows, key=lambda r: funding_key(r, index)):
        amount = row.needs[index].total
        if amount <= 0:
            continue
        if not stopped and amount <= left:
            left -= amount
            continue
        stopped = True
        unfunded.append((row, amount))
    return unfunded


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def project(
    assets: list[Asset],
    budgets: Budgets,
    *,
    as_of_year: int,
    years: int,
    township: str | None = None,
) -> Projection:
    """The projection for the county (``township`` None) or one township (its code).

    ``assets`` are all of the county's, whatever the scope: a township's share of the
    county's budget depends on every township's need.
    """
    if not 1 <= years <= MAX_YEARS:
        raise ValueError(f"years must be 1 to {MAX_YEARS}")
    span = [as_of_year + 1 + i for i in range(years)]
    rows = [asset_needs(a, span) for a in sorted(assets, key=lambda a: a.id)]
    by_township: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * years)
    for row in rows:
        sums = by_township[row.asset.township]
        for i, asset_need in enumerate(row.needs):
            sums[i] += asset_need.total
    county_need = [sum((t[i] for t in by_township.values()), ZERO) for i in range(years)]
    own = budgets.townships
    if township is None:
        scoped = rows
        need = county_need
        budget = [
            budgets.county.get(y, ZERO) + sum((t.get(y, ZERO) for t in own.values()), ZERO)
            for y in span
        ]
    else:
        scoped = [r for r in rows if r.asset.township == township]
        need = list(by_township.get(township, [ZERO] * years))
        budget = []
        for i, y in enumerate(span):
            share = need[i] / county_need[i] if county_need[i] else ZERO
            budget.append(
                _cents(own.get(township, {}).get(y, ZERO) + budgets.county.get(y, ZERO) * share)
            )
    unfunded: dict[int, Unfunded] = {}
    order: dict[int, tuple[int, tuple[int, int, int, int]]] = {}
    for i, y in enumerate(span):
        for row, amount in fund(scoped, budget[i], i):
            if row.asset.id not in unfunded:
                unfunded[row.asset.id] = Unfunded(asset=row.asset, year=y, amount=amount)
                order[row.asset.id] = (y, funding_key(row, i))
    return Projection(
        first_year=span[0],
        years=span,
        assets=scoped,
        need=need,
        budget=budget,
        by_township={k: v for k, v in sorted(by_township.items())},
        unfunded=sorted(unfunded.values(), key=lambda u: order[u.asset.id]),
    )
