"""Chinese phone numbers: reading, stored form, masking and tel: links."""

from __future__ import annotations

import pytest

from minsheng.core.inputs import Invalid
from minsheng.core.phones import is_mobile, mask_phone, read_mobile, read_phone, tel_uri


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("0743-6100059", "0743-6100059"),
        ("0743 6100059", "0743-6100059"),
        ("07436100059", "0743-6100059"),
        ("010-12345678", "010-12345678"),
        ("(010) 12345678", "010-12345678"),
        ("021-62345678-801", "021-62345678-801"),
        ("021-62345678转801", "021-62345678-801"),
        ("+86 0743-6100059", "0743-6100059"),
    ],
)
def test_read_phone_stores_one_form(written, stored):
    assert read_phone(written) == stored


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        (None, "required"),
        (13812345678, "required"),
        ("12812345678", "not_phone"),  # 12x is not a mobile prefix
        ("1381234567", "not_phone"),  # ten digits
        ("138123456789", "not_phone"),  # twelve
        ("743-6100059", "not_phone"),  # no trunk 0
        ("0743-0100059", "not_phone"),  # local numbers do not start with 0
        ("0743-61000", "not_phone"),  # too short
        ("call me", "not_phone"),
        ("１３８１２３４５６７８", "not_phone"),  # full-width digits are not ASCII digits
        ("1" * 31, "too_long"),
    ],
)
def test_read_phone_refuses_with_a_code(written, code):
    with pytest.raises(Invalid) as caught:
        read_phone(written)
    assert caught.value.code == code


def test_read_mobile_refuses_a_landline():
    assert read_mobile("+86 139-0000-1111") == "13900001111"
    with pytest.raises(Invalid) as caught:
        read_mobile("0743-6100059")
    assert caught.value.code == "not_mobile"


def test_mask_keeps_first_three_and_last_four_of_a_mobile():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0743-6100059") == "0743-****0059"
    assert mask_phone("021-62345678-801") == "021-****5678"
    assert mask_phone("12345") == "****45"
    assert mask_phone("123") == "****"
    assert mask_phone("") == ""


def test_tel_uri_is_international():
    assert tel_uri("13812345678") == "tel:+8613812345678"
    assert tel_uri("0743-6100059") == "tel:+867436100059"
    assert tel_uri("021-62345678-801") == "tel:+862162345678,801"
    assert is_mobile("13812345678") and not is_mobile("0743-6100059")
