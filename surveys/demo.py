"""Demo survey data: past waves of closed sessions with believable, gently changing scores,
and one open session whose codes `flask demo` prints so a newcomer can take a survey at once."""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from app.academic import year_group
from app.codes import new_code
from app.extensions import db
from app.models import Group, GroupKind, School, Student
from surveys import services
from surveys.models import SurveyAnswer, SurveyResponse, SurveySession
from surveys.waves import wave_of

OPEN_SCHOOL_URN = "137001"
OPEN_GROUP = "9X1"
OPEN_INSTRUMENT = "enjoyment"
WAVE_INSTRUMENTS = ("enjoyment", "self_efficacy")
KS4_FORMS = {"self_efficacy": "self_efficacy_ks4"}  # asked of Years 10-11 instead
WAVES = 4
# Before those, the school's summer surveys of enjoyment of earlier years (so one cohort has
# answers from Year 7 to Year 10).
EARLIER_SUMMERS = 2
# Term-time days on which a wave is taken: early October, early February, mid June.
WAVE_DAYS = ((10, 6), (2, 3), (6, 16))


def wave_days(today: date, count: int = WAVES) -> list[date]:
    """The last `count` wave days before the current term (whose wave is the open session),
    oldest first, moved off weekends."""
    days = sorted(
        date(year, month, day)
        for year in range(today.year - 3, today.year + 1)
        for month, day in WAVE_DAYS
        if date(year, month, day) < today and wave_of(date(year, month, day)) != wave_of(today)
    )[-count:]
    return [_weekday(d) for d in days]


def earlier_days(first: date, count: int = EARLIER_SUMMERS) -> list[date]:
    """The summer wave days of the `count` years before `first` (a wave day), oldest first."""
    month, day = WAVE_DAYS[2]
    summers = [date(year, month, day) for year in range(first.year - count - 1, first.year + 1)]
    return [_weekday(d) for d in summers if _weekday(d) < first][-count:]


def _weekday(day: date) -> date:
    return day + timedelta(days=7 - day.weekday() if day.weekday() >= 5 else 0)


# Change per school year on each instrument (1 to 4 scale): enjoyment falls across KS3-4
# for most students, as surveys of attitudes to maths find; target students less so.
YEARLY_CHANGE = {"enjoyment": -0.14, "self_efficacy": 0.03, "aspirations": 0.0}


def _latent(rng: random.Random, student: Student) -> dict[str, tuple[float, float]]:
    """A student's level in the autumn of Year 7 and change per school year on each
    instrument (1 to 4 scale)."""
    lift = 0.08 if student.is_target else 0.0
    return {
        key: (rng.gauss(2.9 if key == "enjoyment" else 2.6, 0.45), rng.gauss(change + lift, 0.1))
        for key, change in YEARLY_CHANGE.items()
    }


def _answers(rng, instrument, level: float) -> dict[str, int]:
    low, high = instrument.options[0].value, instrument.options[-1].value
    answers = {}
    for item in instrument.items:
        if rng.random() < 0.03:
            continue  # the odd question left blank
        value = round(level + rng.gauss(0, 0.6))
        value = min(max(value, low), high)
        answers[item.id] = low + high - value if item.reverse else value
    return answers


def seed_surveys(today: date) -> None:
    """Add closed sessions over several waves for every class group of the demo schools, and
    one open session (Northfield Academy, 9X1). Flushes; the caller commits."""
    rng = random.Random(7)
    instruments = services.current_instruments()
    forms = (*WAVE_INSTRUMENTS, *KS4_FORMS.values())
    rows = {key: services.pin_instrument(instruments[key]) for key in forms}
    groups = db.session.scalars(
        select(Group)
        .where(Group.kind == GroupKind.CLASS)
        .options(selectinload(Group.students))
        .order_by(Group.school_id, Group.name)
    ).all()
    used_codes: set[str] = set()

    def code() -> str:
        while (candidate := new_code(services.CLASS_CODE_LENGTH)) in used_codes:
            pass
        used_codes.add(candidate)
        return candidate

    latent: dict[int, dict[str, tuple[float, float]]] = {}
    planned = []  # (session, [(student, wave number)])
    for group in groups:
        if not group.students:
            continue
        entry_year = min(s.entry_year for s in group.students)
        recent = wave_days(today)
        for day in [*earlier_days(recent[0]), *recent]:
            if day < date(entry_year, 9, 15):
                continue  # before this cohort started Year 7
            keys = WAVE_INSTRUMENTS if day >= recent[0] else WAVE_INSTRUMENTS[:1]
            for offset, key in enumerate(keys):
                opened = datetime.combine(day + timedelta(days=offset), time(9, 30))
                form = KS4_FORMS.get(key, key) if year_group(entry_year, day) >= 10 else key
                session = SurveySession(
                    school_id=group.school_id,
                    group_id=group.id,
                    instrument_id=rows[form].id,
                    class_code=code(),
                    wave=wave_of(day),
                    opened_at=opened,
                    closed_at=opened + timedelta(minutes=50),
                )
                years = (day - date(entry_year, 10, 1)).days / 365.25  # since Y7 autumn
                planned.append((session, (key, form), group.students, years))
    db.session.add_all([p[0] for p in planned])
    db.session.flush()

    responses = []
    for session, key, students, years in planned:
        for student in students:
            if student.survey_opt_out or rng.random() < 0.08:
                continue  # absent that day
            joined = session.opened_at + timedelta(minutes=rng.randint(1, 8))
            submitted = None if rng.random() < 0.05 else joined + timedelta(minutes=12)
            responses.append(
                (
                    SurveyResponse(
                        session_id=session.id,
                        student_id=student.id,
                        joined_at=joined,
                        last_saved_at=joined + timedelta(minutes=11),
                        submitted_at=submitted,
                    ),
                    key,
                    student,
                    years,
                )
            )
    db.session.add_all([r[0] for r in responses])
    db.session.flush()

    answer_rows = []
    for response, (key, form), student, years in responses:
        if student.id not in latent:
            latent[student.id] = _latent(rng, student)
        start, change = latent[student.id][key]
        level = start + change * years
        for item_id, value in _answers(rng, instruments[form], level).items():
            answer_rows.append(
                {
                    "response_id": response.id,
                    "item_id": item_id,
                    "value": value,
                    "updated_at": response.last_saved_at,
                }
            )
    if answer_rows:
        db.session.execute(insert(SurveyAnswer), answer_rows)

    northfield_9x1 = db.session.scalar(
        select(Group)
        .join(School, School.id == Group.school_id)
        .where(School.urn == OPEN_SCHOOL_URN, Group.name == OPEN_GROUP)
    )
    if northfield_9x1 is not None:
        services.open_session(
            None, northfield_9x1, instruments[OPEN_INSTRUMENT], wave=wave_of(today)
        )
    db.session.flush()


def logins_lines() -> list[str]:
    """Lines for `flask demo`: the open demo session's class code and a few personal codes."""
    session = db.session.scalar(
        select(SurveySession)
        .join(School, School.id == SurveySession.school_id)
        .where(School.urn == OPEN_SCHOOL_URN, SurveySession.closed_at.is_(None))
        .order_by(SurveySession.opened_at.desc())
        .limit(1)
    )
    if session is None or session.group is None:
        return []
    students = [s for s in session.group.students if s.takes_surveys()]
    codes = ", ".join(f"{s.survey_code} ({s.full_name})" for s in students[:3])
    return [
        "",
        f"Take a survey: open http://127.0.0.1:5000/join, class code {session.class_code}",
        f"  ({session.instrument.title}, {session.group.name}); personal codes: {codes}",
    ]
