"""Chinese telephone numbers: one reading, one stored form, one mask.

Mainland mobiles are 11 digits, ``1[3-9]`` and nine more; people write them with a
``+86``/``86`` prefix, spaces or dashes, which are dropped when stored. Landlines are a
trunk ``0``, a 2-3 digit area code and a 7-8 digit number (``0743-6100059``,
``010-12345678``), optionally followed by an extension; they are stored as
``area-number[-ext]``. Masking keeps what Chinese services show: a mobile's first three and
last four digits (``138****5678``), a landline's area code and last four.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from minsheng.core.errors import Code
from minsheng.core.inputs import Invalid

MAX_PHONE = 30
_SEPARATORS = re.compile(r"[\s\-()（）—－]+")
_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
# 2-digit area codes (010 Beijing, 02x) are 3 characters with the trunk 0; others are 4.
_LANDLINE = re.compile(
    r"(0(?:10|2\d|[3-9]\d{2}))-?([1-9]\d{6,7})(?:(?:-|转|ext\.?|x)(\d{1,6}))?", re.ASCII
)


def read_phone(value: Any) -> str:
    """The stored form of a mainland mobile or landline number, or :class:`Invalid`."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid(Code.REQUIRED, _("Enter a phone number."))
    text = value.strip()
    if len(text) > MAX_PHONE:
        raise Invalid(Code.TOO_LONG, _("A phone number has at most 30 characters."))
    compact = _SEPARATORS.sub("", text)
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    elif compact.startswith("86") and len(compact) == 13:
        compact = compact[2:]
    if _MOBILE.fullmatch(compact):
        return compact
    # Landlines keep their dashes' meaning: read from the text with separators made dashes.
    dashed = _SEPARATORS.sub("-", text).strip("-")
    for candidate in (dashed, compact):
        match = _LANDLINE.fullmatch(candidate)
        if match:
            area, number, ext = match.groups()
            return f"{area}-{number}" + (f"-{ext}" if ext else "")
    raise Invalid(
        Code.NOT_PHONE,
        _(
            "Enter a mainland mobile number (11 digits starting with 13-19) or a landline "
            "with its area code, such as 0743-6100059."
        ),
    )


def read_mobile(value: Any) -> str:
    """A mainland mobile number (one that can receive SMS), stored as its 11 digits."""
    phone = read_phone(value)
    if not is_mobile(phone):
        raise Invalid(
            Code.NOT_MOBILE,
            _("Enter a mobile number (11 digits starting with 13-19): SMS goes there."),
        )
    return phone


def is_mobile(phone: str) -> bool:
    return bool(_MOBILE.fullmatch(phone))


def mask_phone(phone: str) -> str:
    """138****5678 for a mobile; 0743-****0059 for a landline; stars for anything else."""
    if not phone:
        return ""
    if is_mobile(phone):
        return f"{phone[:3]}****{phone[-4:]}"
    match = _LANDLINE.fullmatch(phone)
    if match:
        return f"{match.group(1)}-****{match.group(2)[-4:]}"
    # Stored before numbers were checked: show no more than the last two characters.
    return "****" + phone[-2:] if len(phone) > 4 else "****"


def tel_uri(phone: str) -> str:
    """The ``tel:`` link for a stored number (extension as a pause, as dialers expect)."""
    if is_mobile(phone):
        return f"tel:+86{phone}"
    match = _LANDLINE.fullmatch(phone)
    if match:
        area, number, ext = match.groups()
        return f"tel:+86{area[1:]}{number}" + (f",{ext}" if ext else "")
    return "tel:" + re.sub(r"[^\d+]", "", phone)
