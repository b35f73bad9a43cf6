"""Grade scales of the maths qualifications, and the current grade of a kind. Pure logic, no Flask.

Scales, highest first (U, "unclassified", is the lowest grade on every scale):

- GCSE Maths and GCSE Statistics: 9-1, U. Foundation tier: 5-1, U. Higher tier: 9-4, with an
  allowed 3, and U.
- AQA Level 2 Further Maths: 9-4, U.
- AS Maths, AS Further Maths, Core Maths and OCR Level 3 FSMQ Additional Maths: A-E, U.
- A-level Maths and A-level Further Maths: A*, A-E, U.
- KS3 maths: the school's working-at grade on the GCSE scale, 9-1, U (U meaning below 1).

A tier applies to the two GCSEs only. It is required for a mock or final grade, because a
paper is always sat at one tier and the tier is what shows that, say, a 6 on foundation is a
typing error. For a target, working-at or predicted grade it is optional; when it is given it
constrains the grade in the same way.

A final may instead say the exam was not sat: NE (not entered), ABS or X (absent), as results
files write them; they need no tier and are on no scale (`is_not_sat`). A final also records
its exam series ("June 2026", see tracking.exam_series), never after the date of the grade.

Grades are stored as their normalised text ("9", "A*", "U"). `points` turns a grade into a
number for comparisons and charts: a number grade counts as itself, a letter grade as its
place above U (E = 1 ... A* = 6), and U as 0.

Grade records are plain `GradeEntry` values: a new grade is a new record, never an edit, and
the current grade of a kind is the newest record of that kind (`current`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from tracking.current import newest_first
from tracking.exam_series import SeriesError, parse_series, series_label


class GradeError(ValueError):
    """Raised for a grade, tier, kind or qualification that is not allowed, with a message fit
    to show the person who typed it."""


class Qualification(StrEnum):
    """The qualifications whose grades are tracked; the value is the stable key stored."""

    GCSE_MATHS = "gcse_maths"
    L2_FURTHER_MATHS = "l2_further_maths"
    AS_MATHS = "as_maths"
    AS_FURTHER_MATHS = "as_further_maths"
    A_LEVEL_MATHS = "a_level_maths"
    A_LEVEL_FURTHER_MATHS = "a_level_further_maths"
    CORE_MATHS = "core_maths"
    KS3_MATHS = "ks3_maths"
    FSMQ_ADDITIONAL_MATHS = "fsmq_additional_maths"
    GCSE_STATISTICS = "gcse_statistics"

    @property
    def label(self) -> str:
        """The name people use, e.g. "A-level Further Maths"."""
        return _SCALES[self].label


class GradeKind(StrEnum):
    """What a grade is: aimed for, judged now, expected, from a mock exam, or the result."""

    TARGET = "target"
    WORKING_AT = "working_at"
    PREDICTED = "predicted"
    MOCK = "mock"
    FINAL = "final"

    @property
    def label(self) -> str:
        """The name people use, e.g. "Working-at"."""
        return _KIND_LABELS[self]


class Tier(StrEnum):
    """The tier of a GCSE Maths paper."""

    FOUNDATION = "foundation"
    HIGHER = "higher"

    @property
    def label(self) -> str:
        """The name people use, e.g. "Foundation"."""
        return self.value.capitalize()


_KIND_LABELS = {
    GradeKind.TARGET: "Target",
    GradeKind.WORKING_AT: "Working-at",
    GradeKind.PREDICTED: "Predicted",
    GradeKind.MOCK: "Mock",
    GradeKind.FINAL: "Final",
}

# Kinds of GCSE grade that come from a paper sat at one tier.
TIER_REQUIRED_KINDS = frozenset({GradeKind.MOCK, GradeKind.FINAL})
# The qualifications sat at a tier.
TIERED = (Qualification.GCSE_MATHS, Qualification.GCSE_STATISTICS)

# A final "grade" saying the exam was not sat: not entered, or absent (two codes in use).
NOT_ENTERED = "NE"
NOT_SAT = {NOT_ENTERED: "not entered", "ABS": "absent", "X": "absent"}

UNGRADED = "U"
_NUMBERS_9_TO_1 = ("9", "8", "7", "6", "5", "4", "3", "2", "1", UNGRADED)
_LETTERS_A_TO_E = ("A", "B", "C", "D", "E", UNGRADED)


@dataclass(frozen=True)
class _Scale:
    label: str
    # How the qualification reads in "6 is not <noun> grade": article included.
    noun: str
    grades: tuple[str, ...]
    summary: str


_SCALES = {
    Qualification.GCSE_MATHS: _Scale("GCSE Maths", "a GCSE Maths", _NUMBERS_9_TO_1, "9-1, U"),
    Qualification.L2_FURTHER_MATHS: _Scale(
        "Level 2 Further Maths",
        "a Level 2 Further Maths",
        ("9", "8", "7", "6", "5", "4", UNGRADED),
        "9-4, U",
    ),
    Qualification.AS_MATHS: _Scale("AS Maths", "an AS Maths", _LETTERS_A_TO_E, "A-E, U"),
    Qualification.AS_FURTHER_MATHS: _Scale(
        "AS Further Maths", "an AS Further Maths", _LETTERS_A_TO_E, "A-E, U"
    ),
    Qualification.A_LEVEL_MATHS: _Scale(
        "A-level Maths", "an A-level Maths", ("A*", *_LETTERS_A_TO_E), "A*-E, U"
    ),
    Qualification.A_LEVEL_FURTHER_MATHS: _Scale(
        "A-level Further Maths", "an A-level Further Maths", ("A*", *_LETTERS_A_TO_E), "A*-E, U"
    ),
    Qualification.CORE_MATHS: _Scale("Core Maths", "a Core Maths", _LETTERS_A_TO_E, "A-E, U"),
    Qualification.KS3_MATHS: _Scale("KS3 maths", "a KS3 maths", _NUMBERS_9_TO_1, "9-1, U"),
    Qualification.FSMQ_ADDITIONAL_MATHS: _Scale(
        "OCR Level 3 FSMQ Additional Maths",
        "an OCR Level 3 FSMQ Additional Maths",
        _LETTERS_A_TO_E,
        "A-E, U",
    ),
    Qualification.GCSE_STATISTICS: _Scale(
        "GCSE Statistics", "a GCSE Statistics", _NUMBERS_9_TO_1, "9-1, U"
    ),
}

_TIER_SCALES = {
    Tier.FOUNDATION: (("5", "4", "3", "2", "1", UNGRADED), "5-1, U"),
    Tier.HIGHER: (("9", "8", "7", "6", "5", "4", "3", UNGRADED), "9-4, 3 allowed, U"),
}

# A letter grade's points: its place above U.
_LETTER_POINTS = {"A*": 6, "A": 5, "B": 4, "C": 3, "D": 2, "E": 1}


def parse_qualification(key: str) -> Qualification:
    """Return the Qualification for a key such as "gcse_maths"; raise GradeError if unknown."""
    try:
        return Qualification(key)
    except ValueError:
        raise GradeError(f"Unknown qualification '{key}'") from None


def parse_kind(key: str) -> GradeKind:
    """Return the GradeKind for a key such as "working_at"; raise GradeError if unknown."""
    try:
        return GradeKind(key)
    except ValueError:
        raise GradeError(f"Unknown kind of grade '{key}'") from None


def scale(qualification_key: str, tier: str | None = None) -> tuple[str, ...]:
    """Return the grades of a qualification (or of one GCSE tier), highest first, U last.

    Raises GradeError for an unknown qualification, or a tier other than a GCSE one.
    """
    qual = parse_qualification(qualification_key)
    tier_key = validate_tier(qual, tier)
    if tier_key is not None:
        return _TIER_SCALES[Tier(tier_key)][0]
    return _SCALES[qual].grades


def is_not_sat(grade: str | int | None) -> bool:
    """Whether a grade (as typed or stored) is NE, ABS or X: the exam was not sat."""
    return isinstance(grade, str) and "".join(grade.split()).upper() in NOT_SAT


def validate_tier(
    qualification_key: str, tier: str | None, kind: str | None = None, grade: str | None = None
) -> str | None:
    """Return the normalised tier ("foundation", "higher" or None), or raise GradeError.

    Case and surrounding spaces do not matter, and an empty tier counts as none. A tier is
    refused for any qualification but GCSE Maths and GCSE Statistics; for those it is
    required when `kind` is "mock" or "final" (a paper is sat at one tier), unless `grade`
    says the exam was not sat (NE, ABS, X), and optional otherwise, including when no kind
    is given.
    """
    qual = parse_qualification(qualification_key)
    kind_key = parse_kind(kind) if kind is not None else None
    text = (tier or "").strip().lower()
    if qual not in TIERED:
        if text:
            raise GradeError(
                f"A tier applies only to GCSE Maths and GCSE Statistics, not to {qual.label}"
            )
        return None
    if not text:
        if kind_key in TIER_REQUIRED_KINDS and not is_not_sat(grade):
            raise GradeError(
                f"Choose the tier (foundation or higher) for a {kind_key.label.lower()} "
                f"{qual.label} grade"
            )
        return None
    try:
        return Tier(text).value
    except ValueError:
        raise GradeError(f"Tier '{tier}' is not foundation or higher") from None


def validate_grade(
    qualification_key: str, grade: str | int, tier: str | None = None, kind: str | None = None
) -> str:
    """Return the grade normalised as stored, or raise GradeError saying what is wrong.

    Normalising upper-cases and removes spaces: " a* " -> "A*", "u" -> "U", 7 -> "7". The grade
    must be on the qualification's scale and, for a GCSE with a tier, on that tier's scale:
    "Grade 6 is not on the foundation tier (5-1, U)", "A* is not an AS Maths grade (A-E, U)".
    The tier itself is checked by `validate_tier` (with `kind`, which makes it required for a
    GCSE mock or final grade). NE, ABS and X are accepted for a final grade only ("NE (not
    entered) is for a final grade only").
    """
    qual = parse_qualification(qualification_key)
    tier_key = validate_tier(qual, tier, kind, grade if isinstance(grade, str) else None)
    if isinstance(grade, bool) or not isinstance(grade, str | int):
        raise GradeError(f"Enter the grade as text, such as 7 or A* (got {grade!r})")
    text = "".join(str(grade).split()).upper()
    if not text:
        raise GradeError("Enter a grade")
    if text in NOT_SAT and kind is not None:
        if parse_kind(kind) is not GradeKind.FINAL:
            raise GradeError(f"{text} ({NOT_SAT[text]}) is for a final grade only")
        return text
    named = f"Grade {text}" if text.isdigit() else text
    if text not in _SCALES[qual].grades:
        raise GradeError(f"{named} is not {_SCALES[qual].noun} grade ({_SCALES[qual].summary})")
    if tier_key is not None:
        grades, summary = _TIER_SCALES[Tier(tier_key)]
        if text not in grades:
            raise GradeError(f"{named} is not on the {tier_key} tier ({summary})")
    return text


def validate_series(
    kind: str, series: str | date | None, recorded_on: date | None = None
) -> date | None:
    """Return the exam series (first day of its month) or None, or raise GradeError.

    A series is for a final grade only, and cannot be after the date the grade is for
    (`recorded_on`, when given): results come after the exams.
    """
    try:
        found = parse_series(series)
    except SeriesError as error:
        raise GradeError(str(error)) from None
    if found is None:
        return None
    if parse_kind(kind) is not GradeKind.FINAL:
        raise GradeError("An exam series is for a final grade only")
    if recorded_on is not None and found > recorded_on:
        raise GradeError(
            f"The series ({series_label(found)}) is after the date of the grade "
            f"({recorded_on:%d/%m/%Y})"
        )
    return found


def checked(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return grade data (qualification, kind, grade, tier, recorded_on, series) normalised,
    or raise GradeError with what is wrong: the grade and tier as `validate_grade` checks
    them, the date required, the series as `validate_series` checks it."""
    qualification = parse_qualification(data["qualification"]).value
    kind = parse_kind(data["kind"]).value
    raw = data["grade"]
    tier = validate_tier(
        qualification, data.get("tier"), kind, raw if isinstance(raw, str) else None
    )
    grade = validate_grade(qualification, raw, tier, kind)
    recorded_on = data.get("recorded_on")
    if not isinstance(recorded_on, date):
        raise GradeError("Enter the date (or term) the grade is for")
    series = validate_series(kind, data.get("series"), recorded_on)
    return {
        **data,
        "qualification": qualification,
        "kind": kind,
        "tier": tier,
        "grade": grade,
        "series": series,
    }


def points(qualification_key: str, grade: str | int) -> int:
    """Return a number that orders the grades of a qualification: higher is better, U is 0.

    A number grade counts as itself (GCSE 7 -> 7) and a letter grade as its place above U
    (E -> 1 ... A -> 5, A* -> 6). The grade is validated first (without a tier), so an
    off-scale grade raises GradeError rather than getting a misleading number; so does NE,
    ABS or X, which is no grade (check `is_not_sat` first).
    """
    text = validate_grade(qualification_key, grade)
    if text == UNGRADED:
        return 0
    if text.isdigit():
        return int(text)
    return _LETTER_POINTS[text]


def at_least(qualification_key: str, grade: str | int, threshold: str | int) -> bool:
    """Return whether `grade` is `threshold` or better, both on the qualification's scale.

    NE, ABS and X (not sat) are never at least any grade."""
    if is_not_sat(grade):
        return False
    return points(qualification_key, grade) >= points(qualification_key, threshold)


@dataclass(frozen=True)
class GradeEntry:
    """One recorded grade, as plain data: the pure view of a stored grade record.

    `recorded_on` is the date the grade is for (the day it was entered, or the start of the
    term it belongs to); `id` is the record's id, and a higher id is a later record. `series`:
    a final's exam series, the first day of its month (None when not recorded)."""

    qualification: str
    kind: str
    grade: str
    tier: str | None
    recorded_on: date
    id: int
    version: int = 1  # raised by each correction in place (see app.models.Versioned)
    series: date | None = None

    @classmethod
    def of(cls, record) -> GradeEntry:
        """The entry of a stored grade record (or of a row with the same columns)."""
        return cls(
            record.qualification,
            record.kind,
            record.grade,
            record.tier,
            record.recorded_on,
            record.id,
            record.version,
            getattr(record, "series", None),
        )

    @property
    def series_label(self) -> str:
        """The exam series as people name it ("June 2026"), or "" when none is recorded."""
        return series_label(self.series)


def history(
    records: Iterable[GradeEntry], kind: str | None = None, qualification: str | None = None
) -> list[GradeEntry]:
    """Return the records (of one kind and qualification, when given), newest first.

    Newest means the latest `recorded_on`; records of the same day are ordered by id, the
    higher id (entered later) first.
    """
    chosen = [
        record
        for record in records
        if (kind is None or record.kind == kind)
        and (qualification is None or record.qualification == qualification)
    ]
    return newest_first(chosen)


def current(
    records: Iterable[GradeEntry], kind: str, qualification: str | None = None
) -> GradeEntry | None:
    """Return the current record of a kind (of one qualification, when given), or None.

    The current record is the newest: the latest `recorded_on`, and of records of the same
    day the one with the highest id. Older records stay as history (see `history`).
    """
    newest = history(records, kind, qualification)
    return newest[0] if newest else None
