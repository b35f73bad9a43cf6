"""Reads for the tracker's pages and outcomes, each in a fixed number of queries.

`outcome_data` turns stored rows into the pure `StudentOutcomeData` of tracking.outcomes for a
whole set of students at once; `timeline` gathers everything about one student; survey
scores are read only through the surveys area's own functions.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Student
from app.students.baseline import baseline_flags
from surveys.waves import Wave
from tracking.current import newest, newest_per
from tracking.grades import GradeEntry, GradeKind, Qualification, current
from tracking.models import (
    Attendance,
    CompetitionResult,
    Destination,
    GradeRecord,
    Intervention,
    Post16Record,
    StudentNote,
    UcasApplication,
)
from tracking.outcomes import DestinationEntry, Post16Entry, StudentOutcomeData, SurveyScore
from tracking.services import dosage
from tracking.vocabulary import Post16Route


def _score_histories(student_ids: list[int]) -> dict[int, list]:
    """Return `{student_id: [ScaleHistory]}` from the surveys area, in its own fixed number
    of queries (surveys.services.scores_for_students)."""
    from surveys import services as surveys  # tracking reads surveys, never the reverse

    if not student_ids:
        return {}
    return surveys.scores_for_students(student_ids)


def _as_scores(histories: Iterable) -> tuple[SurveyScore, ...]:
    return tuple(
        SurveyScore(
            scale=history.key,
            score=point.score,
            taken_on=point.opened_at.date(),
            wave=point.wave,
            session_id=point.session_id,
        )
        for history in histories
        for point in history.points
        if point.score is not None
    )


def survey_scores(student_ids: list[int]) -> dict[int, tuple[SurveyScore, ...]]:
    """Return each student's survey scale scores as `SurveyScore`s (unscored ones left out)."""
    return {
        student_id: _as_scores(histories)
        for student_id, histories in _score_histories(student_ids).items()
    }


def entries(model: type, entry_type: type, *where) -> dict[int, list]:
    """Return student id -> their `model` rows matching `where` as plain `entry_type` values
    (a dataclass whose fields name the model's columns), in one query of those columns."""
    columns = [getattr(model, f.name) for f in dataclasses.fields(entry_type)]
    found: dict[int, list] = defaultdict(list)
    for row in db.session.execute(select(model.student_id, *columns).where(*where)):
        found[row[0]].append(entry_type(*row[1:]))
    return found


def grade_entries(*where) -> dict[int, list[GradeEntry]]:
    """Return student id -> their grade records matching `where`, as GradeEntry values."""
    return entries(GradeRecord, GradeEntry, *where)


def outcome_data(students: Select, with_surveys: bool = True) -> list[StudentOutcomeData]:
    """Return `StudentOutcomeData` for every student `students` selects (a select of Student,
    already scoped), in seven queries (two of them for the target baselines) plus the
    surveys' own (see `_score_histories`)."""
    rows = db.session.execute(
        students.with_only_columns(
            Student.id,
            Student.school_id,
            Student.entry_year,
            Student.is_target,
            Student.is_disadvantaged.label("is_disadvantaged"),
            Student.left_on,
        ).order_by(Student.id)
    ).all()
    if not rows:
        return []
    ids = students.with_only_columns(Student.id).order_by(None)
    grades = grade_entries(GradeRecord.student_id.in_(ids))
    post16 = entries(Post16Record, Post16Entry, Post16Record.student_id.in_(ids))
    destinations = entries(Destination, DestinationEntry, Destination.student_id.in_(ids))
    scores = survey_scores([row.id for row in rows]) if with_surveys else {}
    confirmed, on_list = baseline_flags(students)
    return [
        StudentOutcomeData(
            student_id=row.id,
            school_id=row.school_id,
            entry_year=row.entry_year,
            is_target=bool(row.is_target),
            is_disadvantaged=bool(row.is_disadvantaged),
            left_on=row.left_on,
            grades=tuple(grades.get(row.id, ())),
            post16=tuple(post16.get(row.id, ())),
            destinations=tuple(destinations.get(row.id, ())),
            survey_scores=scores.get(row.id, ()),
            cohort_has_baseline=(row.school_id, row.entry_year) in confirmed,
            in_baseline=row.id in on_list,
        )
        for row in rows
    ]


# ---- The timeline of one student ----

# Kinds of timeline entry that staff add and correct on the timeline, in the order of the
# "Add" forms. Attendance is taken on an intervention's register; survey scores come from
# the surveys area.
EDITABLE_KINDS = ("grade", "post16", "ucas", "destination", "competition", "note")
MODELS: dict[str, type] = {
    "grade": GradeRecord,
    "post16": Post16Record,
    "ucas": UcasApplication,
    "destination": Destination,
    "competition": CompetitionResult,
    "note": StudentNote,
}


@dataclass(frozen=True)
class SurveyEntry:
    """One survey session's scale scores of a student."""

    session_id: int
    opened_at: datetime
    wave: Wave
    instrument_title: str
    scores: list[tuple[str, float | None]] = field(default_factory=list)


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline: `kind` names the partial that shows `record`."""

    kind: str
    on: date
    order: tuple
    record: Any

    @property
    def editable(self) -> bool:
        return self.kind in EDITABLE_KINDS

    @property
    def dom_id(self) -> str:
        ident = getattr(self.record, "id", None) or getattr(self.record, "session_id", 0)
        return f"entry-{self.kind}-{ident}"


def entry_for(kind: str, record: Any) -> TimelineEntry:
    """Return the timeline entry that shows `record` of `kind`."""
    if kind == "grade" or kind in ("post16", "ucas", "destination"):
        on = record.recorded_on
    elif kind == "competition":
        on = record.taken_on
    elif kind == "note":
        on = record.created_at.date()
    elif kind == "attendance":
        on = record.intervention.held_on
    elif kind == "survey":
        on = record.opened_at.date()
        return TimelineEntry(kind, on, (on, record.opened_at, record.session_id), record)
    else:
        raise ValueError(kind)
    created = getattr(record, "created_at", None) or getattr(record, "marked_at", None)
    return TimelineEntry(kind, on, (on, created or datetime.min, record.id), record)


def timeline(student: Student) -> list[TimelineEntry]:
    """Return everything about `student`, newest first, in a fixed number of queries
    (one per kind of record, plus the surveys area's own)."""
    entries: list[TimelineEntry] = []
    for kind, model in MODELS.items():
        who = model.author if model is StudentNote else model.entered_by
        records = db.session.scalars(
            select(model).where(model.student_id == student.id).options(joinedload(who))
        )
        entries += [entry_for(kind, record) for record in records]
    attendance = db.session.scalars(
        select(Attendance)
        .where(Attendance.student_id == student.id)
        .options(joinedload(Attendance.intervention).joinedload(Intervention.group))
    )
    entries += [entry_for("attendance", record) for record in attendance]
    entries += [entry_for("survey", entry) for entry in survey_entries(student.id)]
    entries.sort(key=lambda entry: entry.order, reverse=True)
    return entries


def survey_entries(student_id: int) -> list[SurveyEntry]:
    """Return a student's survey sessions with their scale scores, oldest first."""
    sessions: dict[int, SurveyEntry] = {}
    for history in _score_histories([student_id]).get(student_id, []):
        for point in history.points:
            entry = sessions.setdefault(
                point.session_id,
                SurveyEntry(point.session_id, point.opened_at, point.wave, point.instrument_title),
            )
            entry.scores.append((history.title, point.score))
    return sorted(sessions.values(), key=lambda entry: (entry.opened_at, entry.session_id))


# ---- The progression summary on the student page ----

SUMMARY_QUALIFICATIONS = tuple(Qualification)
SUMMARY_KINDS = (
    GradeKind.TARGET,
    GradeKind.WORKING_AT,
    GradeKind.PREDICTED,
    GradeKind.MOCK,
    GradeKind.FINAL,
)


@dataclass(frozen=True)
class Progress:
    """A student's current values, from their records as stored (history included)."""

    grades: list[tuple[Qualification, dict[str, GradeEntry | None]]]  # per qualification
    post16: list[Post16Record]  # the current status of each route, in the usual order
    ucas: list[UcasApplication]  # the current status of each course at each provider
    destination: Destination | None
    entries: list[GradeEntry]  # every grade, as plain entries (for charts)


def current_progress(grades: list, post16: list, ucas: list, destinations: list) -> Progress:
    """Return the current grade of each summary kind per qualification, the current status of
    each post-16 route and UCAS application, and the current destination (see
    tracking.current for the rule)."""
    entries = [GradeEntry.of(r) for r in grades]
    table = []
    for qualification in SUMMARY_QUALIFICATIONS:
        row = {kind.value: current(entries, kind, qualification) for kind in SUMMARY_KINDS}
        if any(row.values()):
            table.append((qualification, row))
    by_route = newest_per(post16, key=lambda r: r.route)
    return Progress(
        grades=table,
        post16=[by_route[r] for r in Post16Route if r in by_route],
        ucas=list(newest_per(ucas, key=lambda r: (r.course, r.provider)).values()),
        destination=newest(destinations),
        entries=entries,
    )


def progression_summary(student: Student) -> dict:
    """Return the student page's progression section: current grades per qualification,
    the current post-16 status per route, the current destination, the current status of
    each UCAS application, dosage and the latest note. Six queries whatever the history."""

    def rows(model) -> list:
        return db.session.scalars(select(model).where(model.student_id == student.id)).all()

    progress = current_progress(
        rows(GradeRecord), rows(Post16Record), rows(UcasApplication), rows(Destination)
    )
    note = db.session.scalars(
        select(StudentNote)
        .where(StudentNote.student_id == student.id)
        .options(joinedload(StudentNote.author))
        .order_by(StudentNote.created_at.desc(), StudentNote.id.desc())
        .limit(1)
    ).first()
    return {
        "student": student,
        "grades": progress.grades,
        "post16": progress.post16,
        "destination": progress.destination,
        "ucas": progress.ucas,
        "dosage": dosage([student.id]).get(student.id, []),
        "note": note,
    }
