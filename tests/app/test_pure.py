"""Pure modules of the shell: UPNs, academic years, codes, spreadsheet-safe cells."""

from datetime import date

import pytest

from app import academic
from app.codes import ALPHABET, new_code, normalise_code
from app.csv_safety import safe_cell
from app.upn import InvalidUPN, check_letter, make_upn, normalise_upn


def test_check_letter_by_hand():
    # Body 201234567890 (12 chars): weights 2..13 on digits 2,0,1,2,3,4,5,6,7,8,9,0
    # = 4+0+4+10+18+28+40+54+70+88+108+0 = 424; 424 mod 23 = 10 -> 'L'
    # (A=0 B C D E F G H J K L=10: the table has no I, O or S).
    assert check_letter("201234567890") == "L"
    assert normalise_upn("l201234567890") == "L201234567890"
    assert normalise_upn(" L2012 3456 7890 ") == "L201234567890"


def test_temporary_upn_with_a_letter_in_last_place():
    # A last-place letter counts as its index in the check table: 'B' = 1.
    # 424 (as above, the last digit was 0) + 1*13 = 437 = 19*23, remainder 0 -> 'A'
    assert check_letter("20123456789B") == "A"
    assert normalise_upn("A20123456789B") == "A20123456789B"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "missing"),
        ("N20123456789", "13 characters"),
        ("M201234567890", "check letter is wrong (expected L)"),
        ("I201234567890", "a letter, 11 digits"),
        ("N2012345678X0", "a letter, 11 digits"),
        ("N20123456789O", "a letter, 11 digits"),
    ],
)
def test_bad_upns_say_what_is_wrong(raw, message):
    with pytest.raises(InvalidUPN, match=message.replace("(", r"\(").replace(")", r"\)")):
        normalise_upn(raw)


def test_make_upn_always_validates():
    for n in (0, 1, 999, 123456789012):
        upn = make_upn(f"{n:012d}")
        assert normalise_upn(upn) == upn


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2026, 8, 31), 2025), (date(2026, 9, 1), 2026), (date(2027, 1, 15), 2026)],
)
def test_academic_year_turns_on_1_september(day, year):
    assert academic.academic_year(day) == year


def test_year_group_moves_up_each_september_by_itself():
    entry = academic.entry_year_for(7, date(2025, 10, 1))
    assert entry == 2025
    assert academic.year_group(entry, date(2026, 7, 20)) == 7
    assert academic.year_group(entry, date(2026, 9, 2)) == 8
    assert academic.year_group(entry, date(2031, 9, 2)) == 13
    assert academic.label(2025) == "2025/26" and academic.label(2099) == "2099/00"


def test_codes_avoid_look_alikes():
    for ch in "0O1IL5S2Z":
        assert ch not in ALPHABET
    codes = {new_code() for _ in range(200)}
    assert all(len(c) == 6 and set(c) <= set(ALPHABET) for c in codes)
    assert len(codes) > 190
    assert normalise_code(" ab-c 12 ") == "ABC12"


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        "+44 7700",
        "-2",
        "@SUM(A1)",
        "\t=x",
        "\r=x",
        "\n=x",
        "\uff1d1+1",  # full-width equals sign
        "\u200b=1+1",  # zero-width space first
        "\u2060\ufeff+1",  # word joiner and byte-order mark
        "  =1+1",  # leading spaces
        "\u3000=1+1",  # ideographic space
        "\uff20SUM(A1)",  # full-width at sign
    ],
)
def test_formula_like_cells_are_neutralised(value):
    assert safe_cell(value) == "'" + value


def test_ordinary_cells_are_unchanged():
    assert safe_cell("O'Brien") == "O'Brien" and safe_cell(42) == 42
    assert safe_cell("Zoë ＝ top") == "Zoë ＝ top" and safe_cell("李 小龍") == "李 小龍"
