"""Demo data for a newcomer: three schools, an account for each role, believable rosters.

Believable as a UK teacher reads it: birth dates in the right academic year, census fields
(FSM Ever 6, looked after and previously looked after, SEN N/K/E, sex) at national rates, and
target students chosen in every cohort by one stated rule (`TARGET_RULE`, kept as each
cohort's confirmed target list by tracking.demo). Names are ordinary names; names with markup
belong in the tests, not here.
"""

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from app import academic, areas
from app.codes import new_code
from app.extensions import db
from app.models import Group, GroupKind, Role, School, Student, User
from app.passwords import hash_password
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

FIRST_NAMES = {
    "F": [
        "Aaliyah",
        "Amara",
        "Amelia",
        "Ava",
        "Chloe",
        "Ebony",
        "Eliza",
        "Emily",
        "Fatima",
        "Freya",
        "Grace",
        "Isla",
        "Layla",
        "Lily",
        "Maja",
        "Maryam",
        "Mia",
        "Nia",
        "Olivia",
        "Priya",
        "Riya",
        "Ruby",
        "Sofia",
        "Zainab",
        "Zara",
        "Zoë",
        "Siobhan",
    ],
    "M": [
        "Adam",
        "Ahmed",
        "Alfie",
        "Amir",
        "Ayaan",
        "Bartek",
        "Bilal",
        "Daniel",
        "Dylan",
        "Ethan",
        "George",
        "Hamza",
        "Harry",
        "Ibrahim",
        "Jack",
        "Jayden",
        "Kacper",
        "Kai",
        "Leo",
        "Mason",
        "Mohammed",
        "Noah",
        "Oliver",
        "Oscar",
        "Reuben",
        "Tariq",
        "Theo",
        "Yusuf",
        "Łukasz",
    ],
}
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

# Target students: one rule for every cohort. KS2 tests were not taken in 2020 or 2021
# (COVID-19), so the cohorts that entered Year 7 then were chosen by CAT4 instead.
NO_KS2_COHORTS = (2020, 2021)
KS2_THRESHOLD = 106
CAT4_THRESHOLD = 110
MIN_TARGETS = 3  # the demo tops up the data (never the rule) so every cohort has a few
DISADVANTAGED = "disadvantaged (FSM Ever 6, looked after or previously looked after)"


def target_criteria(entry_year: int) -> str:
    """The stated rule by which a cohort's target students were chosen."""
    if entry_year in NO_KS2_COHORTS:
        return (
            f"Students {DISADVANTAGED} with a CAT4 quantitative reasoning standard age score "
            f"of {CAT4_THRESHOLD} or more in the autumn of Year 7: no KS2 tests were taken in "
            f"{entry_year} (COVID-19), so CAT4 was used instead of KS2"
        )
    return f"Students {DISADVANTAGED} with a KS2 maths scaled score of {KS2_THRESHOLD} or more"


def _meets_rule(student: Student, cat4: int) -> bool:
    score, threshold = (
        (cat4, CAT4_THRESHOLD) if student.ks2_maths is None else (student.ks2_maths, KS2_THRESHOLD)
    )
    return student.is_disadvantaged and score >= threshold


def database_is_empty() -> bool:
    """True when there are no schools yet."""
    return not db.session.scalar(select(func.count()).select_from(School))


def census_day(on: date) -> date:
    """The spring school census (third Thursday of January) on or before `on`."""
    for year in (on.year, on.year - 1):
        day = date(year, 1, 15)
        day += timedelta(days=(3 - day.weekday()) % 7)
        if day <= on:
            return day
    raise AssertionError("unreachable")


_ISSUED: set[str] = set()  # codes handed out by this process (not all flushed yet)


def survey_codes(count: int) -> list[str]:
    """`count` personal survey codes no student has yet (one query, not one per student)."""
    with db.session.no_autoflush:  # the codes of students not flushed yet are in _ISSUED
        taken = set(db.session.scalars(select(Student.survey_code))) | _ISSUED
    codes: list[str] = []
    while len(codes) < count:
        code = new_code(6)
        if code not in taken:
            taken.add(code)
            _ISSUED.add(code)
            codes.append(code)
    return codes


def demo_student(
    rng: random.Random, school: School, entry_year: int, serial: int, code: str, today: date
) -> tuple[Student, int]:
    """A made-up student of `school` who entered Year 7 in `entry_year` (UPN from `serial`),
    with their CAT4 score (used for targets where there is no KS2 score)."""
    body = f"{school.urn}{entry_year % 100:02d}{serial:03d}"[:12].ljust(12, "0")
    sex = rng.choice("FM")
    fsm = rng.random() < 0.26
    looked_after = rng.random() < 0.01
    previously = not looked_after and rng.random() < 0.02
    disadvantaged = fsm or looked_after or previously
    ks2 = min(max(round(rng.gauss(102 if disadvantaged else 105, 6)), 80), 120)
    cat4 = min(max(round(rng.gauss(ks2 - 4, 9)), 70), 141)
    student = Student(
        school_id=school.id,
        upn=make_upn(body),
        first_name=rng.choice(FIRST_NAMES[sex]),
        last_name=rng.choice(LAST_NAMES),
        # Born in the academic year that makes them 11 on 1 September of Year 7.
        date_of_birth=date(entry_year - 12, 9, 1) + timedelta(days=rng.randrange(365)),
        entry_year=entry_year,
        sex=sex,
        fsm_ever6=fsm,
        looked_after=looked_after,
        previously_looked_after=previously,
        pupil_premium=disadvantaged,
        pupil_premium_as_at=census_day(min(today, date(entry_year + 7, 7, 1))),
        sen=_sen_code(rng.random()),
        ks2_maths=None if entry_year in NO_KS2_COHORTS else ks2,
        survey_code=code,
    )
    return student, cat4


def demo_cohort(
    rng: random.Random,
    school: School,
    entry_year: int,
    size: int,
    first: int,
    today: date,
    min_targets: int = MIN_TARGETS,
) -> list[Student]:
    """A cohort of `size` made-up students (serials from `first`), its targets marked by the
    rule; when fewer than `min_targets` meet it, the best scorers are made to (the data
    changes, never the rule)."""
    codes = survey_codes(size)
    drawn = [
        list(demo_student(rng, school, entry_year, first + i, codes[i], today)) for i in range(size)
    ]
    short = min_targets - sum(_meets_rule(*pair) for pair in drawn)
    others = [pair for pair in drawn if not _meets_rule(*pair)]
    for pair in sorted(others, key=lambda p: -(p[0].ks2_maths or p[1]))[: max(0, short)]:
        student = pair[0]
        student.fsm_ever6 = student.pupil_premium = True
        if student.ks2_maths is None:
            pair[1] = max(pair[1], CAT4_THRESHOLD)
        else:
            student.ks2_maths = max(student.ks2_maths, KS2_THRESHOLD)
    for student, cat4 in drawn:
        student.is_target = _meets_rule(student, cat4)
    return [student for student, _ in drawn]


def _sen_code(draw: float) -> str:
    """SEN as the census codes it from one random draw: about 2.5% EHC plan, 13% SEN support."""
    return "E" if draw < 0.025 else "K" if draw < 0.155 else "N"


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
    for school in schools.values():
        for year_group in range(7, 14):
            entry_year = academic.entry_year_for(year_group, today)
            first = (year_group - 7) * students_per_year + 1
            cohort = demo_cohort(rng, school, entry_year, students_per_year, first, today)
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
    # Names that must show as typed (accents, apostrophes, hyphens, Chinese characters).
    northfield = schools["137001"]
    names = (("Zoë", "O'Brien-Łukasz"), ("小龍", "李"))
    year_9 = academic.entry_year_for(9, today)
    extra = demo_cohort(rng, northfield, year_9, 2, 901, today, min_targets=0)
    for student, (first_name, last_name) in zip(extra, names, strict=True):
        student.first_name, student.last_name = first_name, last_name
    db.session.add_all(extra)
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
