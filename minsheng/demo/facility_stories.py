"""Which demo facilities tell which story (issue 10): one place, so every part's seeder makes
the same facility idle for the same reason.

The idle bookshops each have one cause the platform can see (publicity, a stale collection,
a one-kind collection, hours that do not fit), and one has two; a clinic is idle because its
equipment is broken, a sports ground because its maintenance is overdue. Some clinics have
backward equipment, some are short of medicines residents ask for, and the villages of one
township are offered only one kind of activity. Picks are by position in each kind's list
(ordered by code), skipping the walk-through village so its resident sees a working county.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from minsheng.demo.facilities import DemoFacilities
from minsheng.demo.regions import DEMO_TOWNSHIP
from minsheng.facilities.models import Facility, Kind
from minsheng.regions.models import Region

MONOTONOUS_TOWNSHIP = "shimen"  # its villages see film nights and nothing else


@dataclass
class Stories:
    idle_publicity: Facility  # nobody knows of it: few portal views, no survey awareness
    idle_stale: Facility  # old books
    idle_one_kind: Facility  # policy compilations only
    idle_hours: Facility  # open weekday daytime while villagers ask evenings and weekends
    idle_two_causes: Facility  # few views and old books
    idle_equipment: Facility  # a clinic whose equipment is broken
    idle_maintenance: Facility  # a sports ground whose maintenance is overdue
    backward_equipment: list[Facility] = field(default_factory=list)  # clinics, a centre
    short_of_medicines: list[Facility] = field(default_factory=list)  # clinics
    monotonous_villages: list[Region] = field(default_factory=list)

    @property
    def idle(self) -> list[Facility]:
        return [
            self.idle_publicity,
            self.idle_stale,
            self.idle_one_kind,
            self.idle_hours,
            self.idle_two_causes,
            self.idle_equipment,
            self.idle_maintenance,
        ]


def stories(facilities: DemoFacilities, demo_village_pk: int | None = None) -> Stories:
    """The story facilities of ``facilities`` (deterministic for a given register)."""
    places = {p.region.pk: p for p in facilities.places}

    def usable(f: Facility) -> bool:
        return f.region_id != demo_village_pk

    rural_bookshops = [
        f
        for f in facilities.of(Kind.BOOKSHOP)
        if usable(f) and places[f.region_id].region.kind == Region.Kind.RURAL
    ]
    clinics = [f for f in facilities.of(Kind.CLINIC) if usable(f)]
    sports = facilities.of(Kind.SPORTS)
    centres = facilities.of(Kind.HEALTH_CENTRE)
    demo_town = next(p.township.pk for p in facilities.places if p.key == DEMO_TOWNSHIP)
    monotonous = [p.region for p in facilities.places if p.key == MONOTONOUS_TOWNSHIP] or [
        p.region for p in facilities.places if p.township.pk != demo_town
    ][:6]
    return Stories(
        idle_publicity=rural_bookshops[3],
        idle_stale=rural_bookshops[7],
        idle_one_kind=rural_bookshops[11],
        idle_hours=rural_bookshops[15],
        idle_two_causes=rural_bookshops[19],
        idle_equipment=clinics[5],
        idle_maintenance=sports[2],
        backward_equipment=[clinics[5], clinics[9], clinics[13], centres[1]],
        short_of_medicines=[clinics[2], clinics[6], clinics[10]],
        monotonous_villages=monotonous,
    )
