"""One phone rule for an incident's caller and a complaint's people (core.phones): what is
accepted, in which one form it is stored, and what is refused."""

from __future__ import annotations

import pytest

from core import phones


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("13800001234", "+8613800001234"),
        ("138 0000 1234", "+8613800001234"),
        ("+8613800001234", "+8613800001234"),
        ("8613800001234", "+8613800001234"),
        ("008613800001234", "+8613800001234"),
        ("１３８００００１２３４", "+8613800001234"),  # full-width digits
        ("0531-86012345", "0531-86012345"),  # the centre's own duty numbers
        ("053186012345", "0531-86012345"),
        ("(0531) 8601 2345", "0531-86012345"),
        ("+86 531 8601 2345", "0531-86012345"),
        ("+86-0531-86012345", "0531-86012345"),
        ("010-64001234", "010-64001234"),  # three-digit area codes: 010, 02x
        ("02164001234", "021-64001234"),
        ("0571-8888666", "0571-8888666"),  # a seven-digit local number
        ("4008001234", "4008001234"),
        ("12315", "12315"),  # hotline numbers, accepted on purpose
        ("95588", "95588"),
        ("+442071234567", "+442071234567"),  # a caller from abroad
    ],
)
def test_a_number_is_stored_in_one_form(written: str, stored: str) -> None:
    assert phones.normalise(written) == stored


@pytest.mark.parametrize(
    "written",
    [
        "1380000",  # a mobile missing digits
        "138000012345",
        "+8612345678901",  # 12x is no mobile range
        "86012345",  # a local number without its area code
        "0531-1234567",  # local numbers do not start with 1
        "137",
        "call me",
        "",
    ],
)
def test_a_number_nobody_could_call_back_is_refused(written: str) -> None:
    with pytest.raises(ValueError, match="landline with its area code"):
        phones.normalise(written)


def test_an_older_free_form_number_is_none_rather_than_an_error() -> None:
    assert phones.normalised_or_none("0531 86012345") == "0531-86012345"
    assert phones.normalised_or_none("1380000") is None
    assert phones.normalised_or_none(None) is None
