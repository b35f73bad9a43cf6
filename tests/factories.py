"""Factories that build valid records with as few arguments as a test needs."""

import itertools
from datetime import date

from app import academic
from app.extensions import db
from app.models import Group, Role, School, Student, User
from app.passwords import hash_password
from app.students.services import unused_survey_code
from app.upn import make_upn

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)
_password_hash: str | None = None


def _next() -> int:
    return next(_counter)


def _hash() -> str:
    # Hashing with Argon2 is slow on purpose; every factory user shares one hash.
    global _password_hash
    if _password_hash is None:
        _password_hash = hash_password(PASSWORD)
    return _password_hash


def make_school(name: str | None = None, urn: str | None = None) -> School:
    n = _next()
    school = School(name=name or f"School {n}", urn=urn or f"{100000 + n}")
    db.session.add(school)
    db.session.flush()
    return school


def make_user(
    role: Role | str = Role.LEAD,
    school: School | None = None,
    email: str | None = None,
    name: str | None = None,
    active: bool = True,
) -> User:
    n = _next()
    role = Role(role)
    if role.needs_school and school is None:
        school = make_school()
    user = User(
        email=email or f"{role.value}{n}@example.org",
        name=name or f"{role.label} {n}",
        role=role.value,
        school_id=school.id if school else None,
        password_hash=_hash(),
        active=active,
    )
    db.session.add(user)
    db.session.flush()
    return user


def upn_for(n: int) -> str:
    return make_upn(f"{n:012d}")


def make_student(school: School, year_group: int = 9, **fields) -> Student:
    n = _next()
    values = {
        "upn": upn_for(n),
        "first_name": f"First{n}",
        "last_name": f"Last{n}",
        "entry_year": academic.entry_year_for(year_group, date.today()),
        "survey_code": unused_survey_code(),
    }
    values.update(fields)
    student = Student(school_id=school.id, **values)
    db.session.add(student)
    db.session.flush()
    return student


def make_group(school: School, name: str | None = None, students=(), kind: str = "class") -> Group:
    group = Group(school_id=school.id, name=name or f"Group {_next()}", kind=kind)
    group.students.extend(students)
    db.session.add(group)
    db.session.flush()
    return group


def make_intervention(school: School, group: Group | None = None, **fields):
    """A small-group intervention of `school` (for `group`), held today unless said, made
    through the tracking services as staff make one (audited)."""
    from tracking import services

    values = {
        "type": "small_group",
        "subtype": None,
        "title": "Booster",
        "held_on": date.today(),
        "duration_minutes": 40,
        "provider": None,
        "mentor": None,
        "group_id": group.id if group else None,
    }
    values.update(fields)
    return services.create_intervention(None, school.id, values)
