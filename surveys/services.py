"""Survey sessions and answers: opening, closing, joining, saving, scoring.

Staff writes (open, close) flush and are audited; the view commits once. A student's answer
saves are not staff writes and are not audited. Answers are upserts keyed by (response, item),
so a retried request, a double click or two devices at once never make a second row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app import audit
from app.codes import new_code, normalise_code
from app.extensions import db
from app.models import Group, GroupMember, Student, User, utcnow
from surveys import scoring
from surveys.instruments import Instrument, load_all
from surveys.models import SurveyAnswer, SurveyInstrument, SurveyResponse, SurveySession

REFUSED = "We could not find a survey for those codes. Check both codes with your teacher."
CLOSED = "This survey has closed. Thank you: your teacher has your answers."
CLASS_CODE_LENGTH = 6

_instrument_cache: dict[tuple[str, str], Instrument] = {}


class JoinRefused(Exception):
    """The codes do not open a survey; `str(error)` is what the student is told."""

    def __init__(self, message: str = REFUSED) -> None:
        super().__init__(message)


class SurveyClosed(JoinRefused):
    """The codes are right but the session has closed."""

    def __init__(self) -> None:
        super().__init__(CLOSED)


class InvalidAnswer(ValueError):
    """An answer names an item the instrument does not have, or a value it does not offer."""


# --- instruments -----------------------------------------------------------------------------


def current_instruments() -> dict[str, Instrument]:
    """Return the instruments in the YAML folder now, keyed by key (read fresh each time)."""
    return load_all()


def pin_instrument(instrument: Instrument) -> SurveyInstrument:
    """Return the stored row of this exact content version, adding it if it is new."""
    row = db.session.scalar(
        select(SurveyInstrument).where(
            SurveyInstrument.key == instrument.key, SurveyInstrument.version == instrument.version
        )
    )
    if row is None:
        row = SurveyInstrument(
            key=instrument.key,
            version=instrument.version,
            title=instrument.title,
            content=instrument.to_dict(),
        )
        db.session.add(row)
        db.session.flush()
    return row


def instrument_of(row: SurveyInstrument) -> Instrument:
    """Return the Instrument a stored version holds (cached: stored versions never change)."""
    cache_key = (row.key, row.version)
    instrument = _instrument_cache.get(cache_key)
    if instrument is None:
        instrument = Instrument.from_dict(row.content, source=f"stored {row.key} {row.version}")
        _instrument_cache[cache_key] = instrument
    return instrument


# --- staff: sessions -------------------------------------------------------------------------


def unused_class_code() -> str:
    """Return a class code no session has yet."""
    while True:
        code = new_code(CLASS_CODE_LENGTH)
        if (
            db.session.scalar(select(SurveySession.id).where(SurveySession.class_code == code))
            is None
        ):
            return code


def open_session(
    actor: User | None,
    group: Group,
    instrument: Instrument,
    wave: str | None = None,
    opened_at: datetime | None = None,
) -> SurveySession:
    """Open a session of `instrument` (pinned at its current version) for `group`."""
    row = pin_instrument(instrument)
    session = SurveySession(
        school_id=group.school_id,
        group_id=group.id,
        instrument_id=row.id,
        class_code=unused_class_code(),
        wave=(wave or "").strip() or None,
        opened_by_id=actor.id if actor else None,
        opened_at=opened_at or utcnow(),
    )
    db.session.add(session)
    db.session.flush()
    audit.record(
        actor,
        "survey_session.open",
        session,
        summary=f"Opened {instrument.title} for {group.name}",
        after={
            "instrument": instrument.key,
            "version": instrument.version,
            "group": group.name,
            "wave": session.wave,
            "class_code": session.class_code,
        },
    )
    return session


def close_session(actor: User | None, session: SurveySession, at: datetime | None = None) -> bool:
    """Close an open session so it takes no more answers. Return False if it was closed."""
    if session.closed_at is not None:
        return False
    session.closed_at = at or utcnow()
    db.session.flush()
    audit.record(
        actor,
        "survey_session.close",
        session,
        summary=f"Closed survey session {session.class_code}",
        before={"closed_at": None},
        after={"closed_at": session.closed_at.isoformat()},
    )
    return True


def session_by_code(code: str) -> SurveySession | None:
    """Return the session with this class code (typed in any case, with spaces), or None."""
    normal = normalise_code(code)
    if not normal:
        return None
    return db.session.scalar(select(SurveySession).where(SurveySession.class_code == normal))


@dataclass(frozen=True)
class SessionCounts:
    joined: int = 0
    submitted: int = 0


def response_counts(session_ids: list[int]) -> dict[int, SessionCounts]:
    """Return joined and submitted counts per session id, in one query."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(
            SurveyResponse.session_id,
            func.count(),
            func.count(SurveyResponse.submitted_at),
        )
        .where(SurveyResponse.session_id.in_(session_ids))
        .group_by(SurveyResponse.session_id)
    )
    return {sid: SessionCounts(joined, submitted) for sid, joined, submitted in rows}


@dataclass(frozen=True)
class LiveRow:
    """One student in the live panel: whether they joined and submitted, never their answers."""

    student: Student
    in_group: bool
    joined: bool
    submitted: bool
    answered: int


def live_rows(session: SurveySession) -> list[LiveRow]:
    """Return the group's students (and anyone who answered and has since left the group)."""
    members = select(GroupMember.student_id).where(GroupMember.group_id == session.group_id)
    answered = (
        select(SurveyAnswer.response_id, func.count().label("n"))
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.session_id == session.id)
        .group_by(SurveyAnswer.response_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Student,
            Student.id.in_(members),
            SurveyResponse.id,
            SurveyResponse.submitted_at,
            func.coalesce(answered.c.n, 0),
        )
        .outerjoin(
            SurveyResponse,
            and_(SurveyResponse.student_id == Student.id, SurveyResponse.session_id == session.id),
        )
        .outerjoin(answered, answered.c.response_id == SurveyResponse.id)
        .where(
            Student.school_id == session.school_id,
            or_(Student.id.in_(members), SurveyResponse.id.is_not(None)),
        )
        .order_by(Student.last_name, Student.first_name, Student.id)
    )
    return [
        LiveRow(student, bool(in_group), response_id is not None, submitted is not None, n)
        for student, in_group, response_id, submitted, n in rows
    ]


# --- students: joining and answering ---------------------------------------------------------


def _eligible(student: Student) -> bool:
    return not student.survey_opt_out and student.on_roll()


def join(class_code: str, personal_code: str) -> SurveyResponse:
    """Return the response for this pair of codes, creating it on the first join.

    Raises JoinRefused (one message for every wrong case, so it reveals nothing) or
    SurveyClosed when the pair is right but the session has closed.
    """
    class_code, personal_code = normalise_code(class_code), normalise_code(personal_code)
    if not class_code or not personal_code:
        raise JoinRefused()
    row = db.session.execute(
        select(SurveySession, Student)
        .join(Student, Student.school_id == SurveySession.school_id)
        .join(
            GroupMember,
            and_(
                GroupMember.group_id == SurveySession.group_id,
                GroupMember.student_id == Student.id,
            ),
        )
        .where(SurveySession.class_code == class_code, Student.survey_code == personal_code)
    ).first()
    if row is None or not _eligible(row.Student):
        raise JoinRefused()
    session, student = row
    if not session.is_open:
        raise SurveyClosed()
    now = utcnow()
    db.session.execute(
        _insert(SurveyResponse)
        .values(session_id=session.id, student_id=student.id, joined_at=now)
        .on_conflict_do_nothing(index_elements=["session_id", "student_id"])
    )
    return db.session.scalars(
        select(SurveyResponse).where(
            SurveyResponse.session_id == session.id, SurveyResponse.student_id == student.id
        )
    ).one()


@dataclass
class Taking:
    """A student's response checked for this request: still open, still theirs to answer."""

    response: SurveyResponse
    session: SurveySession
    student: Student
    instrument: Instrument
    answers: dict[str, int] = field(default_factory=dict)


def taking(response_id: object, session_id: object) -> Taking:
    """Load the response a student's cookie names and check it may still be answered.

    Raises JoinRefused if it is gone, the student left the group or opted out, and
    SurveyClosed once the session has closed. One query.
    """
    if not isinstance(response_id, int) or not isinstance(session_id, int):
        raise JoinRefused()
    in_group = exists().where(
        GroupMember.group_id == SurveySession.group_id,
        GroupMember.student_id == SurveyResponse.student_id,
    )
    row = db.session.execute(
        select(SurveyResponse, SurveySession, Student, SurveyInstrument, in_group)
        .join(SurveySession, SurveySession.id == SurveyResponse.session_id)
        .join(Student, Student.id == SurveyResponse.student_id)
        .join(SurveyInstrument, SurveyInstrument.id == SurveySession.instrument_id)
        .where(SurveyResponse.id == response_id, SurveyResponse.session_id == session_id)
    ).first()
    if row is None:
        raise JoinRefused()
    response, session, student, instrument_row, member = row
    if not member or not _eligible(student) or student.school_id != session.school_id:
        raise JoinRefused()
    if not session.is_open:
        raise SurveyClosed()
    return Taking(response, session, student, instrument_of(instrument_row))


def saved_answers(response_id: int) -> dict[str, int]:
    """Return `{item_id: value}` of a response's saved answers."""
    rows = db.session.execute(
        select(SurveyAnswer.item_id, SurveyAnswer.value).where(
            SurveyAnswer.response_id == response_id
        )
    )
    return {item_id: value for item_id, value in rows}


def parse_answer(instrument: Instrument, item_id: object, raw: object) -> tuple[str, int]:
    """Return (item id, int value) from form text; raise InvalidAnswer if either is not allowed."""
    if not isinstance(item_id, str) or not isinstance(raw, str):
        raise InvalidAnswer("missing item or value")
    text = raw.strip()
    if not text.isascii() or not text.lstrip("-").isdigit() or len(text) > 6:
        raise InvalidAnswer(f"{raw!r} is not a number")
    value = int(text)
    if not instrument.is_valid_answer(item_id, value):
        raise InvalidAnswer(f"{value} is not an answer to {item_id!r}")
    return item_id, value


def answers_from_form(instrument: Instrument, form: Mapping[str, str]) -> dict[str, int]:
    """Return the answers a whole-form post gives (fields named by item id); InvalidAnswer if
    any given answer is not allowed, so that a bad post stores nothing."""
    answers = {}
    for item in instrument.items:
        raw = form.get(item.id)
        if raw is None or raw == "":
            continue
        item_id, value = parse_answer(instrument, item.id, raw)
        answers[item_id] = value
    return answers


def _insert(model):
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model)


def save_answers(response_id: int, answers: dict[str, int]) -> None:
    """Upsert validated answers of one response: one row per item, the newest value wins."""
    if not answers:
        return
    now = utcnow()
    stmt = _insert(SurveyAnswer).values(
        [
            {"response_id": response_id, "item_id": item_id, "value": value, "updated_at": now}
            for item_id, value in answers.items()
        ]
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["response_id", "item_id"],
        set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
    )
    db.session.execute(stmt)
    db.session.execute(
        update(SurveyResponse).where(SurveyResponse.id == response_id).values(last_saved_at=now)
    )


def answered_count(response_id: int) -> int:
    """Return how many items of a response have an answer."""
    return db.session.scalar(
        select(func.count())
        .select_from(SurveyAnswer)
        .where(SurveyAnswer.response_id == response_id)
    )


def submit(response_id: int, answers: dict[str, int]) -> None:
    """Save the answers of a whole-form post and mark the response submitted.

    Submitting again updates the answers and keeps the time of the first submission.
    """
    save_answers(response_id, answers)
    db.session.execute(
        update(SurveyResponse)
        .where(SurveyResponse.id == response_id, SurveyResponse.submitted_at.is_(None))
        .values(submitted_at=utcnow())
    )


# --- results ---------------------------------------------------------------------------------


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
            Student.survey_opt_out.is_(False),
            Student.on_roll(),
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
    wave: str | None
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
