"""Who the demo's residents are at home, and which services fit them.

A resident's household is drawn from their username (the same on every seed), so the
generator and the tests agree on it without storing it: an age and sex, and whether a
pregnant woman, a small child, a school child, a disabled person or a veteran lives with
them. The history orders a service for a resident only when it fits (``fits``): no
prenatal care for a 70-year-old, no day care for the elderly for a 30-year-old.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Household:
    age: int
    sex: str  # "f" or "m"
    pregnant: bool  # the resident herself
    small_child: bool  # a child under 7 at home (their own, or a grandchild left behind)
    school_child: bool  # a child of 6 to 18 at home
    disabled: bool  # a disabled person at home
    veteran: bool  # the resident served in the army


# The demo login "resident": a grandmother raising her grandson while his parents work in
# the city (the walk-through orders meals for her).
DEMO_RESIDENT = Household(
    age=68,
    sex="f",
    pregnant=False,
    small_child=True,
    school_child=False,
    disabled=False,
    veteran=False,
)


def household_of(username: str) -> Household:
    """The household of the demo resident ``username`` (the same on every run)."""
    if username == "resident":
        return DEMO_RESIDENT
    rng = random.Random(f"household:{username}")
    # A rural county: many working-age people are away; the old and the young stay.
    low, high = rng.choices([(18, 34), (35, 59), (60, 90)], weights=[2, 4, 4])[0]
    age = rng.randint(low, high)
    sex = rng.choice("fm")
    return Household(
        age=age,
        sex=sex,
        pregnant=sex == "f" and 20 <= age <= 40 and rng.random() < 0.12,
        small_child=(22 <= age <= 45 and rng.random() < 0.35)
        or (50 <= age <= 75 and rng.random() < 0.2),
        school_child=(30 <= age <= 55 and rng.random() < 0.45)
        or (55 < age <= 75 and rng.random() < 0.15),
        disabled=rng.random() < (0.1 if age >= 60 else 0.05),
        veteran=sex == "m" and age >= 35 and rng.random() < 0.06,
    )


def _elderly(h: Household) -> bool:
    return h.age >= 60


def _working_age(h: Household) -> bool:
    return 18 <= h.age < 60


# Which households a service is for, by service code (a service not named is for anyone).
RULES: dict[str, Callable[[Household], bool]] = {
    "prenatal-checkup": lambda h: h.pregnant,
    "child-vaccination": lambda h: h.small_child,
    "infant-care-guidance": lambda h: h.small_child,
    "preschool-aid": lambda h: h.small_child,
    "left-behind-children": lambda h: h.small_child or h.school_child,
    "home-schooling": lambda h: h.school_child,
    "high-school-grant": lambda h: h.school_child,
    "vocational-tuition": lambda h: h.school_child,
    "job-info": _working_age,
    "skills-training": _working_age,
    "startup-loan": _working_age,
    "unemployment-registration": _working_age,
    "work-injury": _working_age,
    "family-planning-support": lambda h: h.age >= 49,
    "elderly-health-check": lambda h: h.age >= 65,
    "meal-delivery": _elderly,
    "home-haircut": lambda h: _elderly(h) or h.disabled,
    "home-cleaning": _elderly,
    "elderly-daycare": _elderly,
    "smart-wristband": _elderly,
    "pension-certification": _elderly,
    "age-friendly-retrofit": lambda h: _elderly(h) or h.disabled,
    "assistive-devices": lambda h: h.disabled,
    "disability-rehab": lambda h: h.disabled,
    "veteran-support": lambda h: h.veteran,
    "veteran-visit": lambda h: h.veteran,
}


def fits(service_code: str, household: Household) -> bool:
    rule = RULES.get(service_code)
    return rule is None or rule(household)
