"""Who may get in, and how: the rules about accounts themselves.

Every way in asks these (the sign-in pages, the mobile-and-password backend, the code
services), so the answer is the same wherever it is asked.
"""

from __future__ import annotations

from minsheng.accounts.models import Role

# Who signs in with a mobile number (a code by SMS, or the number in place of the username):
# residents. Staff accounts act on other people's orders and data; an SMS code alone (a
# stolen or swapped SIM) is too little for them, so they sign in with their username and
# password, guarded by the login lock.
PHONE_SIGN_IN_ROLES = frozenset({Role.RESIDENT})
# Who may create their own account: a resident, in a village of the county.
SELF_SIGN_UP_ROLE = Role.RESIDENT


def signs_in_by_phone(role: str | None) -> bool:
    """Whether an account of ``role`` signs in with its mobile number."""
    return role in PHONE_SIGN_IN_ROLES
