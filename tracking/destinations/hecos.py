"""HECoS subjects and their CAH groups, as shipped in tracking/data (see the files' headers for
their source, version and licence), and the maths-related list. Pure: no Flask, no database.

A degree's subject is one HECoS code, or two for a joint honours course. Its CAH level 3
group says what the subject is for the outcomes: mathematics is CAH09 (mathematical
sciences: mathematics, operational research, statistics); maths-related is whatever the
maths-related list covers (`MathsRelated`: CAH groups at any level, or single HECoS codes).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
MATHS_CAH = "CAH09"  # mathematical sciences (level 1; its one level 2 group is CAH09-01)
MAX_SUBJECTS = 2  # a single subject, or the two of a joint honours course
SOURCE = (
    "HESA HECoS and CAH (CC BY 4.0), as in the DfE's open reference data "
    "(DFE-Digital/dfe-reference-data, cah.rb at commit 4a2313e)"
)
_CODE = re.compile(r"\d{6}")
_CAH = re.compile(r"CAH\d{2}(-\d{2}){0,2}")
_ALIASES = {"maths": "mathematics", "math": "mathematics", "stats": "statistics"}


class SubjectError(ValueError):
    """A subject that cannot be matched to HECoS, with a message fit for the user."""


@dataclass(frozen=True)
class Subject:
    """One HECoS term: its code, its name and its CAH level 3 group."""

    code: str
    name: str
    cah3: str

    @property
    def label(self) -> str:
        """ "mathematics (100403)": the name with its code, as lists and the datalist show it."""
        return f"{self.name} ({self.code})"

    @property
    def is_maths(self) -> bool:
        return in_group(self.cah3, MATHS_CAH)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(line for line in file if not line.startswith("#")))


@cache
def subjects() -> dict[str, Subject]:
    """Every HECoS subject shipped, by code, in code order."""
    return {r["code"]: Subject(r["code"], r["subject"], r["cah3"]) for r in _rows("hecos.csv")}


@cache
def cah_names() -> dict[str, str]:
    """CAH code (levels 1 to 3) -> its name."""
    return {r["code"]: r["name"] for r in _rows("cah.csv")}


def subject(code: str) -> Subject | None:
    """The HECoS subject with this code, or None."""
    return subjects().get((code or "").strip())


def in_group(cah3: str, group: str) -> bool:
    """Whether a CAH level 3 code is `group` or inside it (CAH07-01-01 is in CAH07-01)."""
    return cah3 == group or cah3.startswith(group + "-")


def codes_of(text: str | None) -> tuple[str, ...]:
    """The HECoS codes stored in a record ("100403 100425" -> ("100403", "100425"))."""
    return tuple(_CODE.findall(text or ""))


def stored(codes: Iterable[str]) -> str | None:
    """The codes as a record stores them: space-separated, or None for none."""
    return " ".join(codes) or None


def is_maths(codes: Iterable[str]) -> bool:
    """Whether any of the subjects is mathematical sciences (CAH09): a joint honours course
    counts as maths when either of its subjects is."""
    return any((s := subject(code)) is not None and s.is_maths for code in codes)


def _fold(text: str) -> str:
    words = re.sub(r"[^0-9a-z]+", " ", (text or "").casefold()).split()
    return " ".join(_ALIASES.get(word, word) for word in words)


@cache
def _by_name() -> dict[str, Subject]:
    return {_fold(s.name): s for s in subjects().values()}


def search(text: str, limit: int = 20) -> list[Subject]:
    """Subjects matching what was typed: a code, or words that all appear in the name (the
    exact name first, then names starting with the words, then the rest, alphabetically)."""
    text = (text or "").strip()
    code = _CODE.search(text)
    if code and subject(code.group()):
        return [subjects()[code.group()]]
    folded = _fold(text)
    if not folded:
        return []
    words = folded.split()
    found = [s for key, s in _by_name().items() if all(w in key.split() for w in words)]
    if not found:
        found = [s for key, s in _by_name().items() if all(w in key for w in words)]

    def rank(s: Subject) -> tuple:
        key = _fold(s.name)
        return (key != folded, not key.startswith(folded), key)

    return sorted(found, key=rank)[:limit]


def match(text: str) -> Subject:
    """The one HECoS subject `text` names: a code ("100403"), a label ("mathematics
    (100403)") or a name, ignoring case and punctuation ("Maths" is mathematics). A name
    that is not exact must match one subject only. Raises SubjectError otherwise, naming the
    candidates of an ambiguous name."""
    text = (text or "").strip()
    code = _CODE.search(text)
    if code:
        found = subject(code.group())
        if found is None:
            raise SubjectError(f"{code.group()} is not a HECoS code in the list shipped")
        return found
    exact = _by_name().get(_fold(text))
    if exact is not None:
        return exact
    candidates = search(text, limit=1000)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise SubjectError(f"No HECoS subject matches '{text}'")
    shown = "; ".join(s.label for s in candidates[:8])
    more = f" and {len(candidates) - 8} more" if len(candidates) > 8 else ""
    raise SubjectError(f"'{text}' matches {len(candidates)} HECoS subjects: {shown}{more}")


def match_all(text: str) -> tuple[Subject, ...]:
    """The subjects of a cell or field: one, or two of a joint honours course separated by
    "/" or ";" (codes may also be separated by spaces or commas). Raises SubjectError."""
    text = (text or "").strip()
    if re.search(r"[^\W\d_]", text):  # names (or labels): split on / or ;
        parts = [part.strip() for part in re.split(r"[/;]", text) if part.strip()]
    else:  # codes only
        parts = re.split(r"[\s,;/]+", text) if text else []
        if any(not _CODE.fullmatch(part) for part in parts):
            raise SubjectError(f"'{text}' is not a HECoS code (6 digits, such as 100403)")
    if len(parts) > MAX_SUBJECTS:
        raise SubjectError(f"Give one subject, or two for joint honours, not {len(parts)}")
    found = tuple(match(part) for part in parts)
    if len({s.code for s in found}) < len(found):
        raise SubjectError("The two subjects of a joint honours course must differ")
    return found


def valid_code(code: str) -> bool:
    """Whether `code` is a CAH group shipped (any level) or a HECoS code shipped."""
    code = (code or "").strip()
    return code in cah_names() or code in subjects()


def describe(code: str) -> str:
    """ "CAH07-01 physics and astronomy" or "100106 actuarial science" (or the code alone)."""
    if code in cah_names():
        return f"{code} {cah_names()[code]}"
    found = subject(code)
    return f"{code} {found.name}" if found else code


@dataclass(frozen=True)
class MathsRelated:
    """The maths-related list: CAH groups (any level) and single HECoS codes."""

    codes: frozenset[str]

    def covers(self, code: str) -> bool:
        """Whether the HECoS subject `code` is maths-related (never true of maths itself)."""
        found = subject(code)
        if found is None or found.is_maths:
            return False
        return code in self.codes or any(in_group(found.cah3, c) for c in self.codes)


@cache
def default_rows() -> tuple[tuple[str, str], ...]:
    """(code, reason) of the maths-related list as shipped (tracking/data/maths_related.csv)."""
    return tuple((r["code"], r["reason"]) for r in _rows("maths_related.csv"))


def default_related() -> MathsRelated:
    """The maths-related list as shipped (the database's list may have been edited since)."""
    return MathsRelated(frozenset(code for code, _ in default_rows()))
