"""Unique Pupil Numbers (England): format and check letter. Pure logic, no Flask.

A UPN is 13 characters: a check letter, then 11 digits, then a digit (permanent UPN)
or a letter (temporary UPN). The check letter is the weighted sum of characters 2-13
(weights 2-13) modulo 23, read from CHECK_LETTERS; a letter in position 13 counts as its
index in the same table.
"""

import re

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_SHAPE = re.compile(r"^[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]$")


class InvalidUPN(ValueError):
    """Raised by `normalise_upn` with a message fit to show the person who typed it."""


def check_letter(body: str) -> str:
    """Return the check letter for the 12 characters that follow it."""
    total = 0
    for weight, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else CHECK_LETTERS.index(char)
        total += value * weight
    return CHECK_LETTERS[total % 23]


def normalise_upn(raw: str) -> str:
    """Return the UPN upper-cased without spaces; raise InvalidUPN if it is not a valid UPN."""
    upn = re.sub(r"\s+", "", raw or "").upper()
    if not upn:
        raise InvalidUPN("UPN is missing")
    if len(upn) != 13:
        raise InvalidUPN(f"UPN must be 13 characters, not {len(upn)}")
    if not _SHAPE.match(upn):
        raise InvalidUPN("UPN must be a letter, 11 digits, then a digit or letter")
    if check_letter(upn[1:]) != upn[0]:
        raise InvalidUPN(f"UPN check letter is wrong (expected {check_letter(upn[1:])})")
    return upn


def make_upn(body: str) -> str:
    """Return a valid UPN for 12 characters of body (used by demo data and tests)."""
    return check_letter(body) + body
