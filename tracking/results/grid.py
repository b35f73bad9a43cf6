"""The results-day grid: what a grid is for, and when a typed cell changes nothing. Pure logic,
no Flask.

A grid is one group of students against one qualification and kind of grade, with the tier
(GCSE Maths) and the date (and optional term) every grade typed into it is for, and for final
grades the exam series ("June 2026") chosen for the whole grid. `parse_choice`
checks the choice as it comes from a form or a query string; `is_unchanged` tells whether a
typed grade would only repeat the student's current record, so saving it twice adds nothing;
`shown_token` is what a cell says it showed, so a save over a newer grade is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app import dates
from tracking import grades
from tracking.exam_series import series_label, series_value
from tracking.grades import GradeEntry, GradeError

TERM_MAX = 30


@dataclass(frozen=True)
class GridChoice:
    """What every cell of a grid records: qualification, kind, tier, date and term."""

    qualification: str
    kind: str
    tier: str | None
    recorded_on: date
    term: str | None = None
    series: date | None = None

    @property
    def label(self) -> str:
        """A heading for the grid, e.g. "GCSE Maths, Mock (higher tier), 20/08/2026"."""
        text = f"{grades.Qualification(self.qualification).label}, "
        text += grades.GradeKind(self.kind).label
        if self.tier:
            text += f" ({self.tier} tier)"
        if self.series:
            text += f", {series_label(self.series)} series"
        text += f", {self.recorded_on:%d/%m/%Y}"
        if self.term:
            text += f" ({self.term})"
        return text

    def params(self) -> dict[str, str]:
        """The choice as query-string or form values, the inverse of `parse_choice`."""
        return {
            "qualification": self.qualification,
            "kind": self.kind,
            "tier": self.tier or "",
            "date": self.recorded_on.isoformat(),
            "term": self.term or "",
            "series": series_value(self.series),
        }


def parse_choice(values: Mapping[str, str], today: date) -> tuple[GridChoice | None, dict]:
    """Check a grid choice from form or query values (qualification, kind, tier, date, term).

    Returns (choice, {}) when it is valid, else (None, {field name: message}) with a message
    for every field that is wrong. The date (yyyy-mm-dd from a date input, or dd/mm/yyyy: see
    `app.dates.parse_date`) defaults to `today` when the key is absent (not when it is
    present and empty). A tier is required for a GCSE Maths mock or final grade. The series
    ("2026-06" from the form's select, or "June 2026") is optional, for final grades only and
    not after the date (`tracking.grades.validate_series`).
    """
    errors: dict[str, str] = {}
    qualification = kind = tier = None
    try:
        qualification = grades.parse_qualification(values.get("qualification") or "").value
    except GradeError:
        errors["qualification"] = "Choose a qualification"
    try:
        kind = grades.parse_kind(values.get("kind") or "").value
    except GradeError:
        errors["kind"] = "Choose the kind of grade"
    if qualification and kind:
        try:
            tier = grades.validate_tier(qualification, values.get("tier"), kind)
        except GradeError as error:
            errors["tier"] = str(error)
    recorded_on = today
    if "date" in values:
        text = (values.get("date") or "").strip()
        if not text:
            errors["date"] = "Enter the date the grades are for"
        else:
            try:
                recorded_on = dates.parse_date(text, excel_serials=False)
            except dates.DateError as error:
                errors["date"] = str(error)
    term = (values.get("term") or "").strip() or None
    if term and len(term) > TERM_MAX:
        errors["term"] = f"Term: at most {TERM_MAX} characters"
    series = None
    if kind:
        try:
            series = grades.validate_series(kind, values.get("series"), recorded_on)
        except GradeError as error:
            errors["series"] = str(error)
    if errors:
        return None, errors
    return GridChoice(qualification, kind, tier, recorded_on, term, series), {}


def normalise_typed(text: str | None) -> str:
    """Return a typed cell as it is compared and saved: no spaces, upper case ("a*" -> "A*")."""
    return "".join((text or "").split()).upper()


def shown_token(entry: GradeEntry | None) -> str:
    """What a cell says it showed, sent back with the typed grade: the current record's id
    and version ("12.1"), or "" when there was none. A save is refused when the student's
    current record is no longer this one (someone saved or corrected a grade since)."""
    return f"{entry.id}.{entry.version}" if entry is not None else ""


def shown_id(token: str | None) -> int | None:
    """The record id of a `shown_token`, or None when it names none."""
    head = (token or "").split(".")[0]
    return int(head) if head.isascii() and head.isdigit() and len(head) < 10 else None


def is_unchanged(current: GradeEntry | None, grade: str, choice: GridChoice) -> bool:
    """True when `grade` (already normalised) for `choice` repeats the current record: same
    grade, tier, date and series. Saving it again would only add a duplicate row of history."""
    return (
        current is not None
        and current.grade == grade
        and current.tier == choice.tier
        and current.recorded_on == choice.recorded_on
        and current.series == choice.series
    )
