"""Taking a survey (students): joining with two codes, saving answers, submitting.

A student's answer saves are not staff writes and are not audited. Answers are upserts keyed
by (response, item), so a retried request, a double click or two devices at once never make a
second row. Submitted answers are final: every write first claims the response with a guarded
UPDATE (not submitted, session open), so an old copy of a cookie, a second device or a save
racing the submit or the close cannot change them; only staff reopening a response
(`surveys.sessions.reopen_response`) lets its student answer again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.codes import normalise_code
from app.extensions import db
from app.models import GroupMember, Student, utcnow
from surveys.instruments import Instrument
from surveys.models import SurveyAnswer, SurveyInstrument, SurveyResponse, SurveySession
from surveys.sessions import instrument_of

REFUSED = "We could not find a survey for those codes. Check both codes with your teacher."
CLOSED = "This survey has closed. Thank you: your teacher has your answers."
# A save refused because the session closed meanwhile: say plainly that this one is not kept.
CLOSED_NOT_SAVED = (
    "This survey has closed, so your last answer was not saved. "
    "Your teacher has the answers you gave before it closed."
)
CLOSED_NOT_SENT = (
    "This survey has closed, so the answers on this page were not sent. "
    "Your teacher has the answers that were saved before it closed."
)
SUBMITTED = (
    "You have already sent your answers, so they cannot be changed now. "
    "If something is wrong, tell your teacher."
)
# Joining a closed session: the same words whether the personal code was right or not, so a
# closed session tells nobody which codes are real.
CLOSED_AT_JOIN = "This survey has closed. If you still need to answer, ask your teacher."


class JoinRefused(Exception):
    """The codes do not open a survey; `str(error)` is what the student is told."""

    def __init__(self, message: str = REFUSED) -> None:
        super().__init__(message)


class SurveyClosed(JoinRefused):
    """The session has closed."""

    def __init__(self, message: str = CLOSED) -> None:
        super().__init__(message)


class AlreadySubmitted(JoinRefused):
    """The response was submitted: its answers are final unless staff reopen it."""

    def __init__(self, message: str = SUBMITTED) -> None:
        super().__init__(message)


class InvalidAnswer(ValueError):
    """An answer names an item the instrument does not have, or a value it does not offer."""


def join(class_code: str, personal_code: str) -> SurveyResponse:
    """Return the response for this pair of codes, creating it on the first join.

    Raises JoinRefused (one message for every wrong case, so it reveals nothing), or
    SurveyClosed when the class code is that of a closed session, whatever the personal
    code (again revealing nothing about it).
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
    if row is None or not row.Student.takes_surveys():
        # A second look only when refusing: is the class code that of a closed session?
        closed = db.session.scalar(
            select(SurveySession.closed_at.is_not(None)).where(
                SurveySession.class_code == class_code
            )
        )
        raise SurveyClosed(CLOSED_AT_JOIN) if closed else JoinRefused()
    session, student = row
    if not session.is_open:
        raise SurveyClosed(CLOSED_AT_JOIN)
    now = utcnow()
    db.session.execute(
        _insert(SurveyResponse)
        .values(session_id=session.id, student_id=student.id, joined_at=now)
        .on_conflict_do_nothing(index_elements=["session_id", "student_id"])
    )
    response = db.session.scalars(
        select(SurveyResponse).where(
            SurveyResponse.session_id == session.id, SurveyResponse.student_id == student.id
        )
    ).one()
    if response.submitted_at is not None:
        raise AlreadySubmitted()
    return response


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

    Raises JoinRefused if it is gone, the student left the group or opted out,
    SurveyClosed once the session has closed and AlreadySubmitted once it was submitted (an
    old copy of the cookie). One query.
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
    if not member or not student.takes_surveys() or student.school_id != session.school_id:
        raise JoinRefused()
    if not session.is_open:
        raise SurveyClosed()
    if response.submitted_at is not None:
        raise AlreadySubmitted()
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


def _claim(response_id: int, now, submitting: bool = False) -> None:
    """Mark the response saved (and submitted, when `submitting`) only while it is still
    open to answers: not submitted, its session not closed. The UPDATE locks the row, so a
    submit or a close that commits first is seen. Raise AlreadySubmitted or SurveyClosed."""
    session_open = exists().where(
        SurveySession.id == SurveyResponse.session_id, SurveySession.closed_at.is_(None)
    )
    values = {"last_saved_at": now, **({"submitted_at": now} if submitting else {})}
    claimed = db.session.execute(
        update(SurveyResponse)
        .where(
            SurveyResponse.id == response_id,
            SurveyResponse.submitted_at.is_(None),
            session_open,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        closed = db.session.scalar(
            select(SurveySession.closed_at.is_not(None))
            .join(SurveyResponse, SurveyResponse.session_id == SurveySession.id)
            .where(SurveyResponse.id == response_id)
        )
        raise SurveyClosed(CLOSED_NOT_SAVED) if closed else AlreadySubmitted()


def save_answers(response_id: int, answers: dict[str, int]) -> None:
    """Upsert validated answers of one response: one row per item, the newest value wins.

    Raises AlreadySubmitted or SurveyClosed (and writes nothing) once the response is no
    longer open to answers."""
    if not answers:
        return
    now = utcnow()
    _claim(response_id, now)
    _upsert(response_id, answers, now)


def _upsert(response_id: int, answers: dict[str, int], now) -> None:
    if not answers:
        return
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


def answered_count(response_id: int) -> int:
    """Return how many items of a response have an answer."""
    return db.session.scalar(
        select(func.count())
        .select_from(SurveyAnswer)
        .where(SurveyAnswer.response_id == response_id)
    )


def submit(response_id: int, answers: dict[str, int]) -> None:
    """Save the answers of a whole-form post and mark the response submitted, after which
    they are final. Raises AlreadySubmitted or SurveyClosed (and writes nothing) if it is no
    longer open to answers: a second submit changes nothing."""
    now = utcnow()
    _claim(response_id, now, submitting=True)
    _upsert(response_id, answers, now)


def submitted_unchanged(response_id: int, answers: dict[str, int]) -> bool:
    """True if every answer of `answers` is the one already stored (a double click, a retry)."""
    stored = saved_answers(response_id)
    return all(stored.get(item_id) == value for item_id, value in answers.items())
