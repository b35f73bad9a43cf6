"""Demo data for a newcomer: three schools, an account for each role, believable rosters."""

import random
from datetime import date

from sqlalchemy import func, select

from app import academic, areas
from app.extensions import db
from app.models import Group, GroupKind, Role, School, Student, User
from app.passwords import hash_password
from app.students.services import unused_survey_code
from app.upn import make_upn

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (demo accounts only, printed on purpose)

SCHOOLS = [
    ("137001", "Northfield Academy"),
    ("137002", "Riverside School"),
    ("137003", "St Anne's High School"),
]

ACCOUNTS = [
    ("admin@demo.example", "Priya Shah", Role.ADMIN, None),
    ("lead@northfield.example", "Tom Okafor", Role.LEAD, "137001"),
    ("teacher@northfield.example", "Hannah Lewis", Role.TEACHER, "137001"),
    ("lead@riverside.example", "Sam Gallagher", Role.LEAD, "137002"),
    ("lead@stannes.example", "Aisha Rahman", Role.LEAD, "137003"),
    ("evaluator@demo.example", "Dr Chris Bell", Role.EVALUATOR, None),
]

FIRST_NAMES = [
    "Aaliyah",
    "Adam",
    "Ahmed",
    "Alfie",
    "Amara",
    "Amelia",
    "Amir",
    "Ava",
    "Ayaan",
    "Bartek",
    "Bilal",
    "Chloe",
    "Daniel",
    "Dylan",
    "Ebony",
    "Eliza",
    "Emily",
    "Ethan",
    "Fatima",
    "Freya",
    "George",
    "Grace",
    "Hamza",
    "Harry",
    "Ibrahim",
    "Isla",
    "Jack",
    "Jayden",
    "Kacper",
    "Kai",
    "Layla",
    "Leo",
    "Lily",
    "Maja",
    "Maryam",
    "Mason",
    "Mia",
    "Mohammed",
    "Noah",
    "Nia",
    "Olivia",
    "Oliver",
    "Oscar",
    "Priya",
    "Reuben",
    "Riya",
    "Ruby",
    "Sofia",
    "Tariq",
    "Theo",
    "Yusuf",
    "Zainab",
    "Zara",
    "Zoë",
    "Łukasz",
    "Siobhan",
]
LAST_NAMES = [
    "Ahmed",
    "Ali",
    "Bailey",
    "Begum",
    "Brown",
    "Campbell",
    "Chen",
    "Clarke",
    "Davies",
    "Evans",
    "Green",
    "Hall",
    "Hussain",
    "Iqbal",
    "Jackson",
    "Jones",
    "Khan",
    "Kowalski",
    "Lewis",
    "Mensah",
    "Mohamed",
    "Murphy",
    "Nowak",
    "O'Brien",
    "Okoye",
    "Patel",
    "Price",
    "Rahman",
    "Roberts",
    "Robinson",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Walker",
    "White",
    "Williams",
    "Wilson",
    "Wright",
    "Wood",
]


def database_is_empty() -> bool:
    """True when there are no schools yet."""
    return not db.session.scalar(select(func.count()).select_from(School))


def demo_student(rng: random.Random, school: School, entry_year: int, serial: int) -> Student:
    """A made-up student of `school` who entered Year 7 in `entry_year` (UPN from `serial`)."""
    pp = rng.random() < 0.35
    body = f"{school.urn[:3]}{school.urn[3:]}{entry_year % 100:02d}{serial:03d}"[:12]
    body = body.ljust(12, "0")
    ks2 = None if entry_year in (2020, 2021) else rng.randint(94, 118)
    return Student(
        school_id=school.id,
        upn=make_upn(body),
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        date_of_birth=date(entry_year - 11, rng.randint(1, 12), rng.randint(1, 28)),
        entry_year=entry_year,
        pupil_premium=pp,
        fsm_ever6=pp and rng.random() < 0.8,
        looked_after=rng.random() < 0.02,
        sen=_sen_code(rng.random()),
        ks2_maths=ks2,
        is_target=pp and ks2 is not None and ks2 >= 108,
        survey_code=unused_survey_code(),
    )


def _sen_code(draw: float) -> str:
    """SEN as the census codes it from one random draw: about 2% EHC plan, 10% SEN support."""
    return "E" if draw < 0.02 else "K" if draw < 0.12 else "N"


def seed(students_per_year: int = 24, today: date | None = None) -> dict:
    """Add the demo schools, accounts, students and groups (flushes; the caller commits)."""
    rng = random.Random(2026)
    today = today or date.today()
    schools = {}
    for urn, name in SCHOOLS:
        schools[urn] = School(urn=urn, name=name)
        db.session.add(schools[urn])
    db.session.flush()
    password_hash = hash_password(DEMO_PASSWORD)
    for email, name, role, urn in ACCOUNTS:
        db.session.add(
            User(
                email=email,
                name=name,
                role=role.value,
                school_id=schools[urn].id if urn else None,
                password_hash=password_hash,
            )
        )
    this_year = academic.academic_year(today)
    for school in schools.values():
        serial = 0
        for year_group in range(7, 14):
            entry_year = academic.entry_year_for(year_group, today)
            cohort = []
            for _ in range(students_per_year):
                serial += 1
                cohort.append(demo_student(rng, school, entry_year, serial))
            db.session.add_all(cohort)
            top, rest = cohort[: len(cohort) // 2], cohort[len(cohort) // 2 :]
            db.session.add_all(
                [
                    Group(school_id=school.id, name=f"{year_group}X1", students=top),
                    Group(school_id=school.id, name=f"{year_group}X2", students=rest),
                ]
            )
            if year_group in (10, 11):
                booster = [s for s in cohort if s.is_target] or cohort[:3]
                db.session.add(
                    Group(
                        school_id=school.id,
                        name=f"Year {year_group} booster",
                        kind=GroupKind.BOOSTER,
                        students=booster,
                    )
                )
    # A few names that must always show as typed.
    northfield = schools["137001"]
    for first, last in (
        ("Zoë", "O'Brien-Łukasz"),
        ("小龍", "李"),
        ("<script>alert(1)</script>", "Test"),
    ):
        serial += 1
        student = demo_student(rng, northfield, this_year - 2, 900 + serial % 100)
        student.first_name, student.last_name = first, last
        db.session.add(student)
    db.session.flush()
    for area_demo in areas.demo_data():
        area_demo.seed(today)
    return {"schools": schools}


def logins_text() -> str:
    """The demo logins, as printed by `flask demo` and `make run`."""
    lines = ["", "Demo logins (password for all: " + DEMO_PASSWORD + "):"]
    for email, name, role, urn in ACCOUNTS:
        school = dict(SCHOOLS).get(urn, "all schools")
        lines.append(f"  {role.label:<24} {email:<28} {name} ({school})")
    lines.append("Open http://127.0.0.1:5000 and sign in.")
    for area_demo in areas.demo_data():
        lines += area_demo.logins()
    return "\n".join(lines)
