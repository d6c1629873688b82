"""The demo logins: one account per role, a shared password, and what to try first.

``minsheng demo_logins`` prints them; ``users`` creates them with the rest of the county's
people. The password is printed on purpose: these accounts exist only in the demo county.
"""

from __future__ import annotations

from dataclasses import dataclass

from minsheng.accounts.models import Role

DEMO_PASSWORD = "minsheng-demo"  # noqa: S105 - printed on purpose: demo accounts only
# The demo resident's mobile: sign in with it and a code at /accounts/phone/ (or with it and
# the shared password at /accounts/login/). Every demo resident has a mobile of their own.
DEMO_RESIDENT_MOBILE = "13800000000"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    display_name: str
    try_first: str


DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin(
        Role.RESIDENT,
        "resident",
        "张秀英",
        "Order 助餐送餐 (meal delivery) from the menu; rate the delivered order under My orders; "
        "answer the open survey (Surveys) and support a suggestion (Suggestions); find your "
        "village's bookshop on the map (Facilities) and sign up for an activity (Activities).",
    ),
    DemoLogin(
        Role.GRID_WORKER,
        "grid",
        "李明",
        "Place an order on behalf of a neighbour who phoned you (channel: grid worker); enter "
        "a household's paper answers to the open survey (Surveys, then 'paper form'); enter "
        "today's visits at the village bookshop you keep (Facility console, the bookshop, "
        "Use counts).",
    ),
    DemoLogin(
        Role.DISPATCHER,
        "dispatcher",
        "王芳",
        "Review and approve the resident's order in the dispatch queue, then dispatch it to "
        "龙潭镇志愿服务队 (Longtan Volunteer Team); give the official reply a suggestion of "
        "龙潭镇 is owed (Replies owed); read the township's demand (Demand); the township's "
        "facilities, their equipment and maintenance (Facility console); the township's barrel "
        "and its villages' weakest planks (Planning).",
    ),
    DemoLogin(
        Role.PROVIDER_STAFF,
        "provider",
        "刘强",
        "Accept the dispatched order, start it and mark it delivered.",
    ),
    DemoLogin(
        Role.COUNTY_ADMIN,
        "admin",
        "陈静",
        "See the whole county's queue and the monthly ranking; build a survey with a "
        "conditional question (Build surveys); pick and track the month's topic (Topic "
        "candidates); the demand map and estimate (Demand); why facilities are idle, the "
        "follow-ups owed and the funding gap (Facility console); the weakest plank of every "
        "township, an allocation of the budget and a siting of new clinics, the monthly PDF "
        "report (Planning); /admin/ for the raw data.",
    ),
]
