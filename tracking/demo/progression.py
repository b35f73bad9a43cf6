"""The demo's progression histories, student by student: grades for every year group,
post-16 choices, UCAS and destinations, and two past cohorts who have left (see
tracking.demo)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from app.demo import demo_student
from app.extensions import db
from app.models import School, Student
from tracking.grades import validate_grade
from tracking.models import (
    Destination,
    GradeRecord,
    Post16Record,
    UcasApplication,
)

LETTERS = ("A*", "A", "B", "C", "D", "E")
PAST_COHORT_SIZE = 12
UNIVERSITIES = (
    "University of Leeds",
    "University of Manchester",
    "University of Birmingham",
    "University of Warwick",
    "University of Bristol",
    "Nottingham Trent University",
    "University of Sheffield",
)
MATHS_RELATED = ("Physics", "Computer Science", "Economics", "Mechanical Engineering", "Statistics")
OTHER_SUBJECTS = ("History", "Law", "Psychology", "English", "Biology", "Business")
NOTES = (
    "Talked about A-level Maths at parents' evening; keen but worried about the workload.",
    "Really enjoyed the maths circle. Suggested the UKMT challenge next term.",
    "Missed two booster sessions (family reasons). Check in after half term.",
    "Asked about Further Maths; put her in touch with the sixth-form head of maths.",
    "Confidence is up since peer mentoring started.",
)


class Seeder:
    """Builds the demo's rows in `rows` (added by `seed` at the end), from one seeded random."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.rng = random.Random(2027)
        self.rows: list = []

    # ---- dates ----

    @staticmethod
    def term_day(entry_year: int, year_group: int, term: int) -> date:
        """A day in a term (0 autumn, 1 spring, 2 summer) of a year group."""
        ay = entry_year + year_group - 7
        return (date(ay, 10, 14), date(ay + 1, 2, 10), date(ay + 1, 6, 16))[term]

    def past(self, day: date) -> bool:
        return day <= self.today

    # ---- grades ----

    def grade(self, student, entered_by, qualification, kind, grade, tier, on, term=None):
        grade = validate_grade(qualification, str(grade), tier, kind)
        self.rows.append(
            GradeRecord(
                student_id=student.id,
                qualification=qualification,
                kind=kind,
                grade=grade,
                tier=tier,
                recorded_on=on,
                term=term,
                source="imported" if entered_by is None else "entered",
                entered_by_id=entered_by,
                created_at=datetime.combine(on, time(16, 0)),
            )
        )

    def ability(self, student: Student) -> float:
        """A student's likely GCSE grade, from their KS2 score where there is one."""
        base = 4.5 + (student.ks2_maths - 103) / 3.2 if student.ks2_maths else 5
        return min(max(base + self.rng.gauss(0, 0.8), 1.5), 9.4)

    @staticmethod
    def gcse(level: float, tier: str | None = None) -> str:
        value = min(max(round(level), 1), 9)
        if tier == "foundation":
            value = min(value, 5)
        elif tier == "higher":
            value = max(value, 3)
        return str(value)

    @staticmethod
    def tier_for(level: float) -> str:
        return "higher" if level >= 4.3 else "foundation"

    def a_level(self, gcse: int) -> str:
        index = min(max(9 - gcse + self.rng.choice((-1, 0, 0, 1)), 0), 5)
        return LETTERS[index]

    def school_history(self, student: Student, lead_id: int | None, teacher_id) -> int | None:
        """Grades up to now for a student still at school; return their GCSE final if any."""
        rng = self.rng
        level = self.ability(student)
        year_now = min(student.year_group(self.today), 13)
        ey = student.entry_year
        enterer = teacher_id or lead_id
        # KS3: a working-at grade each term of Years 7-9.
        for year in range(7, min(year_now, 9) + 1):
            for term in range(3):
                day = self.term_day(ey, year, term)
                if self.past(day):
                    growth = (year - 7) * 0.9 + term * 0.3
                    ks3 = level - 2.6 + growth + rng.gauss(0, 0.4)
                    self.grade(
                        student, enterer, "ks3_maths", "working_at", self.gcse(ks3), None, day
                    )
        if year_now < 10:
            return None
        target = self.gcse(level + 0.8)
        self.grade(student, lead_id, "gcse_maths", "target", target, None, self.term_day(ey, 10, 0))
        for year in range(10, min(year_now, 11) + 1):
            for term in range(3):
                day = self.term_day(ey, year, term)
                if not self.past(day):
                    continue
                now = level - (11 - year) * 0.5 - (2 - term) * 0.15 + rng.gauss(0, 0.5)
                tier = self.tier_for(now)
                self.grade(student, enterer, "gcse_maths", "working_at", self.gcse(now), None, day)
                if term != 1 or year == 11:
                    self.grade(
                        student,
                        enterer,
                        "gcse_maths",
                        "predicted",
                        self.gcse(now + 0.3),
                        None,
                        day + timedelta(days=2),
                    )
                if term == 2 and year == 10 or term == 0 and year == 11:
                    mock_on = day + timedelta(days=14)
                    if self.past(mock_on):
                        self.grade(
                            student, None, "gcse_maths", "mock", self.gcse(now, tier), tier, mock_on
                        )
        if year_now < 12:
            return None
        tier = self.tier_for(level)
        final = self.gcse(level, tier)
        self.grade(student, None, "gcse_maths", "final", final, tier, date(ey + 5, 8, 21))
        return int(final)

    # ---- choices, UCAS, destinations ----

    def post16(self, student, entered_by, subject, status, on, provider="Our sixth form"):
        self.rows.append(
            Post16Record(
                student_id=student.id,
                subject=subject,
                status=status,
                provider=provider,
                recorded_on=on,
                entered_by_id=entered_by,
                created_at=datetime.combine(on, time(12, 0)),
            )
        )

    def choose_post16(self, student, lead_id, final: int | None) -> list[str]:
        """Intentions in Year 11 and enrolments in Year 12; return the subjects enrolled on."""
        rng, ey = self.rng, student.entry_year
        year_now = student.year_group(self.today)
        intention_on = self.term_day(ey, 11, 0) + timedelta(days=rng.randint(0, 100))
        likely = final if final is not None else round(self.ability(student))
        if likely >= 7 or rng.random() < 0.2:
            subjects = ["a_level_maths"] + (["a_level_further_maths"] if likely >= 8 else [])
        elif likely >= 5:
            subjects = ["core_maths"]
        else:
            subjects = ["no_maths"]
        # Some Year 11s have not said yet, so "Needs attention" has someone to show.
        if self.past(intention_on) and not (year_now == 11 and rng.random() < 0.35):
            for subject in subjects:
                self.post16(student, lead_id, subject, "considering", intention_on)
        if year_now < 12:
            return []
        applied_on = date(ey + 5, 2, 1)
        enrolled = []
        for subject in subjects:
            if subject == "no_maths":
                continue
            self.post16(student, lead_id, subject, "applied", applied_on)
            self.post16(student, lead_id, subject, "enrolled", date(ey + 5, 9, 8))
            enrolled.append(subject)
        if "a_level_further_maths" in enrolled and rng.random() < 0.2:
            self.post16(student, lead_id, "a_level_further_maths", "withdrawn", date(ey + 6, 1, 20))
            enrolled.remove("a_level_further_maths")
        return enrolled

    def sixth_form_grades(self, student, teacher_id, final: int, enrolled: list[str]) -> dict:
        """A-level predictions (and finals once results day has passed)."""
        ey, out = student.entry_year, {}
        for qualification in ("a_level_maths", "a_level_further_maths"):
            if qualification not in enrolled:
                continue
            expected = self.a_level(final - (1 if "further" in qualification else 0))
            for year, term in ((12, 2), (13, 0), (13, 1)):
                day = self.term_day(ey, year, term)
                if self.past(day):
                    self.grade(student, teacher_id, qualification, "predicted", expected, None, day)
            results = date(ey + 7, 8, 15)
            if self.past(results):
                got = self.a_level(final - (1 if "further" in qualification else 0))
                self.grade(student, None, qualification, "final", got, None, results)
                out[qualification] = got
        if "core_maths" in enrolled and self.past(date(ey + 6, 8, 15)):
            self.grade(
                student,
                None,
                "core_maths",
                "final",
                self.rng.choice("ABC"),
                None,
                date(ey + 6, 8, 15),
            )
        return out

    def subject_for(self, enrolled: list[str]) -> tuple[str, str]:
        roll = self.rng.random()
        if "a_level_maths" in enrolled and roll < 0.45:
            return "mathematics", "Mathematics"
        if "a_level_maths" in enrolled and roll < 0.85:
            return "maths_related", self.rng.choice(MATHS_RELATED)
        return "other", self.rng.choice(OTHER_SUBJECTS)

    def ucas(self, student, lead_id, enrolled: list[str], placed: bool) -> tuple[str, str, str]:
        rng, ey = self.rng, student.entry_year
        category, subject = self.subject_for(enrolled)
        provider = rng.choice(UNIVERSITIES)
        course = f"BSc {subject}" if category != "other" else f"BA {subject}"
        steps = [("applied", date(ey + 6, 10, 10)), ("offer_conditional", date(ey + 6, 12, 5))]
        steps.append(("firm", date(ey + 7, 3, 1)))
        if placed:
            steps.append(("placed", date(ey + 7, 8, 15)))
        for status, on in steps:
            if self.past(on):
                self.rows.append(
                    UcasApplication(
                        student_id=student.id,
                        course=course,
                        provider=provider,
                        subject=subject,
                        subject_category=category,
                        status=status,
                        recorded_on=on,
                        entered_by_id=lead_id,
                    )
                )
        return category, subject, provider

    def destination(self, student, lead_id, enrolled: list[str]) -> None:
        rng, ey = self.rng, student.entry_year
        roll = rng.random()
        on = date(ey + 7, 10, 1)
        if roll < 0.6:
            category, subject, provider = self.ucas(student, lead_id, enrolled, placed=True)
            values = ("higher_education", category, subject, provider, "ucas")
        elif roll < 0.75:
            values = (
                "apprenticeship",
                "maths_related",
                "Engineering",
                "Local engineering firm",
                "student",
            )
        elif roll < 0.85:
            values = ("employment", None, None, None, "school_survey")
        elif roll < 0.92:
            values = ("gap_year", None, None, None, "student")
        else:
            values = ("unknown", None, None, None, "school_survey")
        kind, category, subject, provider, evidence = values
        self.rows.append(
            Destination(
                student_id=student.id,
                type=kind,
                subject_category=category,
                subject=subject,
                provider=provider,
                evidence=evidence,
                recorded_on=on,
                entered_by_id=lead_id,
            )
        )

    # ---- past cohorts ----

    def past_students(self, school: School, entry_year: int) -> list[Student]:
        """A cohort that has left: the shell's demo students, with a leaving date."""
        students = []
        for serial in range(PAST_COHORT_SIZE):
            student = demo_student(self.rng, school, entry_year, serial)
            student.left_on = date(entry_year + 7, 7, 20)
            students.append(student)
        db.session.add_all(students)
        return students
