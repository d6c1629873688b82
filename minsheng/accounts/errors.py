"""The codes of the sign-in refusals (codes by SMS, sign-up, password reset).

Each refusal has its own code, so a page, the REST API and the tests tell them apart by
member, never by message text. Reading the phone number itself refuses with the shared
codes of :func:`minsheng.core.phones.read_mobile` (``required``, ``not_phone``,
``not_mobile``, ``too_long``).
"""

from __future__ import annotations

from enum import StrEnum


class AccountCode(StrEnum):
    # asking for a code
    CODE_TOO_SOON = "code_too_soon"  # less than the interval since the last code to the number
    NUMBER_DAILY_CAP = "number_daily_cap"  # too many codes to this number in 24 hours
    ADDRESS_DAILY_CAP = "address_daily_cap"  # too many codes asked from this address in 24 hours
    NO_ACCOUNT = "no_account"  # logging in / resetting with a number no resident account uses
    MOBILE_TAKEN = "mobile_taken"  # signing up with a number a resident account already uses
    # giving the code back
    NOT_CODE = "not_code"  # not six digits: no try is counted
    CODE_MISSING = "code_missing"  # no code was sent to this number for this purpose
    CODE_WRONG = "code_wrong"  # a wrong try (counted)
    CODE_EXPIRED = "code_expired"
    CODE_USED = "code_used"
    CODE_LOCKED = "code_locked"  # too many wrong tries: the code is dead
    # the rest of a form
    PASSWORD_MISMATCH = "password_mismatch"  # noqa: S105 (an error code)
    PASSWORD_WEAK = "password_weak"  # noqa: S105 (an error code)
    VILLAGE_UNKNOWN = "village_unknown"
