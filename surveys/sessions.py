"""Survey sessions (staff): which instrument version a session asks, opening and closing a
session, finding it by class code, and what the session list and live panel show.

Opening and closing flush and are audited; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from app import audit
from app.codes import new_code, normalise_code
from app.extensions import db
from app.models import Group, GroupMember, Student, User, utcnow
from surveys.instruments import Instrument, load_all
from surveys.models import SurveyAnswer, SurveyInstrument, SurveyResponse, SurveySession
from surveys.waves import Wave, parse_wave, wave_of

CLASS_CODE_LENGTH = 6

_instrument_cache: dict[tuple[str, str], Instrument] = {}


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


# --- opening, closing, listing ---------------------------------------------------------------


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
    wave: Wave | str | None = None,
    opened_at: datetime | None = None,
) -> SurveySession:
    """Open a session of `instrument` (pinned at its current version) for `group`.

    `wave` is a Wave, a label `parse_wave` reads ("Autumn 2026"), or None for the wave of
    the day the session opens. Raises ValueError for a label that names no wave.
    """
    opened_at = opened_at or utcnow()
    if wave is None:
        wave = wave_of(opened_at.date())
    elif isinstance(wave, str):
        text = wave
        wave = parse_wave(text, on=opened_at.date())
        if wave is None:
            raise ValueError(
                f"'{text}' is not a wave: give a term and a year, like Autumn 2026 or Spring 2027"
            )
    row = pin_instrument(instrument)
    session = SurveySession(
        school_id=group.school_id,
        group_id=group.id,
        instrument_id=row.id,
        class_code=unused_class_code(),
        wave_year=wave.year,
        wave_term=wave.term,
        opened_by_id=actor.id if actor else None,
        opened_at=opened_at,
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
            "wave": wave.label,
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


def new_class_code(actor: User | None, session: SurveySession) -> str | None:
    """Give an open session a new class code (someone is guessing personal codes with the
    old one): the old code stops working at once; students already in keep answering, since
    their browser holds their response, not the code. Return the old code, or None if the
    session is closed."""
    if session.closed_at is not None:
        return None
    old = session.class_code
    session.class_code = unused_class_code()
    db.session.flush()
    audit.record(
        actor,
        "survey_session.new_code",
        session,
        summary=f"Gave survey session {old} the new class code {session.class_code}",
        before={"class_code": old},
        after={"class_code": session.class_code},
    )
    return old


def reopen_response(actor: User | None, session: SurveySession, student_id: int) -> bool:
    """Let one student change and submit their answers again (they rejoin with their codes).
    Return False if the session is closed or the student has not submitted."""
    response = db.session.scalar(
        select(SurveyResponse).where(
            SurveyResponse.session_id == session.id, SurveyResponse.student_id == student_id
        )
    )
    if session.closed_at is not None or response is None or response.submitted_at is None:
        return False
    submitted_at = response.submitted_at
    response.submitted_at = None
    db.session.flush()
    audit.record(
        actor,
        "survey_response.reopen",
        session,
        summary=f"Reopened the answers of {response.student.full_name} in {session.class_code}",
        before={"student_id": student_id, "submitted_at": submitted_at.isoformat()},
        after={"student_id": student_id, "submitted_at": None},
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
    """How many students of a session have joined, and how many of those submitted."""

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
