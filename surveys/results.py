"""Survey results (staff): a session's response rate, scale summaries, answer counts and
per-student scores, and a student's scale scores over time, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app import charts
from app.extensions import db
from app.models import GroupMember, Student
from surveys import scoring
from surveys.instruments import Instrument
from surveys.models import SurveyAnswer, SurveyInstrument, SurveyResponse, SurveySession
from surveys.sessions import instrument_of
from surveys.waves import Wave


def answers_by_student(session_id: int) -> dict[int, dict[str, int]]:
    """Return `{student_id: {item_id: value}}` of every response of a session that has answers."""
    rows = db.session.execute(
        select(SurveyResponse.student_id, SurveyAnswer.item_id, SurveyAnswer.value)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(SurveyResponse.session_id == session_id)
    )
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for student_id, item_id, value in rows:
        out[student_id][item_id] = value
    return dict(out)


@dataclass
class StudentResult:
    """One student who joined a session: when they submitted, their answers and scale scores."""

    student: Student
    submitted_at: datetime | None
    answered: int
    scores: dict[str, float | None]
    answers: dict[str, int]


@dataclass
class SessionResults:
    """Everything the results page and the exports show for one session."""

    session: SurveySession
    instrument: Instrument
    eligible: int
    joined: int
    submitted: int
    summaries: dict[str, scoring.ScaleSummary]
    counts: dict[str, dict[int, int]]
    students: list[StudentResult]

    @property
    def response_rate(self) -> float | None:
        """Submitted responses as a share of the group's students who take part."""
        return self.submitted / self.eligible if self.eligible else None


def session_results(session: SurveySession) -> SessionResults:
    """Return response rate, per-scale summaries, answer counts and per-student scores.

    Every response with answers counts towards scores (a student who answered but did not
    press Submit still gave those answers); the response rate counts submitted responses.
    """
    instrument = instrument_of(session.instrument)
    answers = answers_by_student(session.id)
    rows = db.session.execute(
        select(Student, SurveyResponse.submitted_at)
        .join(SurveyResponse, SurveyResponse.student_id == Student.id)
        .where(SurveyResponse.session_id == session.id)
        .order_by(Student.last_name, Student.first_name, Student.id)
    ).all()
    eligible = db.session.scalar(
        select(func.count())
        .select_from(GroupMember)
        .join(Student, Student.id == GroupMember.student_id)
        .where(
            GroupMember.group_id == session.group_id,
            Student.takes_surveys(),
        )
    )
    with_answers = {sid: a for sid, a in answers.items() if a}
    students = [
        StudentResult(
            student=student,
            submitted_at=submitted_at,
            answered=len(answers.get(student.id, {})),
            scores=scoring.student_scores(instrument, answers.get(student.id, {})),
            answers=answers.get(student.id, {}),
        )
        for student, submitted_at in rows
    ]
    return SessionResults(
        session=session,
        instrument=instrument,
        eligible=eligible or 0,
        joined=len(rows),
        submitted=sum(1 for r in students if r.submitted_at is not None),
        summaries=scoring.summarise(instrument, with_answers),
        counts=scoring.answer_counts(instrument, with_answers),
        students=students,
    )


@dataclass(frozen=True)
class ScorePoint:
    """One scale score of one student in one session."""

    session_id: int
    opened_at: datetime
    wave: Wave
    instrument_title: str
    score: float | None


@dataclass
class ScaleHistory:
    """A scale's scores of one student over time, oldest first."""

    key: str
    title: str
    low: int
    high: int
    points: list[ScorePoint] = field(default_factory=list)

    def chart(self) -> charts.Chart | None:
        """These scores over time as a chart (app.charts); None when no session was scored."""
        return charts.scale_chart(
            self.title,
            self.low,
            self.high,
            [charts.Reading(p.opened_at, p.score, name=str(p.wave)) for p in self.points],
        )


def scores_for_student(student_id: int) -> list[ScaleHistory]:
    """Return every scored scale the student has answered, with its scores over time.

    Two queries whatever the number of sessions (see `scores_for_students`).
    """
    return scores_for_students([student_id])[student_id]


def scores_for_students(student_ids: Iterable[int]) -> dict[int, list[ScaleHistory]]:
    """Return `{student_id: [ScaleHistory]}` for every id given (an empty list when a student
    has no answers), scales in the order first answered, points oldest first.

    Two queries whatever the number of students and sessions: the responses with their
    sessions and instrument versions, then all their answers. A scale appears under its key,
    so the same scale stays one line across instrument versions.
    """
    ids = list(dict.fromkeys(student_ids))
    out: dict[int, list[ScaleHistory]] = {student_id: [] for student_id in ids}
    if not ids:
        return out
    rows = db.session.execute(
        select(SurveyResponse.id, SurveyResponse.student_id, SurveySession, SurveyInstrument)
        .join(SurveySession, SurveySession.id == SurveyResponse.session_id)
        .join(SurveyInstrument, SurveyInstrument.id == SurveySession.instrument_id)
        .where(SurveyResponse.student_id.in_(ids))
        .order_by(SurveySession.opened_at, SurveySession.id)
    ).all()
    if not rows:
        return out
    answers: dict[int, dict[str, int]] = defaultdict(dict)
    for response_id, item_id, value in db.session.execute(
        select(SurveyAnswer.response_id, SurveyAnswer.item_id, SurveyAnswer.value)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.student_id.in_(ids))
    ):
        answers[response_id][item_id] = value
    histories: dict[int, dict[str, ScaleHistory]] = defaultdict(dict)
    for response_id, student_id, session, instrument_row in rows:
        if not answers.get(response_id):
            continue
        instrument = instrument_of(instrument_row)
        scores = scoring.student_scores(instrument, answers[response_id])
        low, high = instrument.options[0].value, instrument.options[-1].value
        for scale in instrument.scored_scales:
            history = histories[student_id].setdefault(
                scale.key, ScaleHistory(scale.key, scale.title, low, high)
            )
            history.points.append(
                ScorePoint(
                    session.id, session.opened_at, session.wave, instrument.title, scores[scale.key]
                )
            )
    for student_id, by_scale in histories.items():
        out[student_id] = list(by_scale.values())
    return out
