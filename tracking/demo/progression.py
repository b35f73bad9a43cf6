"""The demo's progression histories, student by student: grades for every year group,
post-16 choices, UCAS and destinations, and two past cohorts who have left (see
tracking.demo)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from app.demo import demo_cohort
from app.extensions import db
from app.models import School, Student
from tracking.destinations import hecos
from tracking.grades import validate_grade
from tracking.models import (
    Destination,
    GradeRecord,
    Post16Record,
    UcasApplication,
)

LETTERS = ("A*", "A", "B", "C", "D", "E")
PAST_COHORT_SIZE = 16
UNIVERSITIES = (
    "University of Leeds",
    "University of Manchester",
    "University of Birmingham",
    "University of Warwick",
    "University of Bristol",
    "Nottingham Trent University",
    "University of Sheffield",
)
# HECoS codes (tracking/data/hecos.csv): mathematics, its joint honours with economics, the
# maths-related subjects students most often take, and others.
MATHS = ("100403", "100403 100450")
MATHS_RELATED = ("100425", "100366", "100450", "100190", "100105")
OTHER_SUBJECTS = ("100302", "100485", "100497", "100320", "100346", "100079")
# Where students go after Year 11 when not to their own sixth form (made-up colleges).
COLLEGES = (("Northgate Sixth Form College", "10090001"), ("Riverbank College", "10090002"))
APPRENTICESHIPS = ("Kirkgate Engineering Ltd", "10090003")
# A-level Maths by GCSE grade, and Further Maths among them (believable national shares).
A_LEVEL_MATHS_SHARE = {9: 0.85, 8: 0.7, 7: 0.5, 6: 0.15}
FURTHER_MATHS_SHARE = {9: 0.4, 8: 0.2}
# The first maths degree among target students with a university place, then one in
# every TARGET_MATHS_EVERY: a few per cent, as a programme can hope for.
TARGET_MATHS_FIRST, TARGET_MATHS_EVERY = 4, 16
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
        self.target_places = 0  # target students given a university place so far

    # ---- dates ----

    @staticmethod
    def term_day(entry_year: int, year_group: int, term: int) -> date:
        """A day in a term (0 autumn, 1 spring, 2 summer) of a year group."""
        ay = entry_year + year_group - 7
        return (date(ay, 10, 14), date(ay + 1, 2, 10), date(ay + 1, 6, 16))[term]

    def past(self, day: date) -> bool:
        return day <= self.today

    # ---- grades ----

    def grade(self, student, entered_by, qualification, kind, grade, tier, on, series=None):
        grade = validate_grade(qualification, str(grade), tier, kind)
        self.rows.append(
            GradeRecord(
                student_id=student.id,
                qualification=qualification,
                kind=kind,
                grade=grade,
                tier=tier,
                recorded_on=on,
                series=series,
                source="imported" if entered_by is None else "entered",
                entered_by_id=entered_by,
                created_at=datetime.combine(on, time(16, 0)),
            )
        )

    def ability(self, student: Student) -> float:
        """A student's likely GCSE grade, from their KS2 score where there is one."""
        if student.ks2_maths:
            base = 4.5 + (student.ks2_maths - 103) / 3.2
        else:  # no KS2 (2020, 2021): a steady spread (by UPN); targets were chosen by CAT4
            base = (6.3 if student.is_target else 4.8) + random.Random(student.upn).gauss(0, 1.6)
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
        if rng.random() < 0.01:
            final = "ABS"  # absent on the day
        june = date(ey + 5, 6, 1)
        self.grade(student, None, "gcse_maths", "final", final, tier, date(ey + 5, 8, 21), june)
        if final == "ABS":
            return None
        resit_results = date(ey + 6, 1, 9)
        if int(final) <= 3 and student.left_on is None and self.past(resit_results):
            # Grade 3: a November resit in Year 12 (it never replaces the KS4 result).
            resit = self.gcse(int(final) + rng.choice((0, 1, 1)), tier)
            self.grade(
                student,
                None,
                "gcse_maths",
                "final",
                resit,
                tier,
                resit_results,
                date(ey + 5, 11, 1),
            )
        return int(final)

    # ---- choices, UCAS, destinations ----

    def post16(self, student, entered_by, route, status, on, where=None):
        """One post-16 record; `where` is (provider, UKPRN) of another school or college,
        None for the own sixth form."""
        provider, ukprn = where or (None, None)
        self.rows.append(
            Post16Record(
                student_id=student.id,
                route=route,
                status=status,
                institution="other" if where else "own_sixth_form",
                provider=provider,
                provider_ukprn=ukprn,
                recorded_on=on,
                entered_by_id=entered_by,
                created_at=datetime.combine(on, time(12, 0)),
            )
        )

    def routes_for(self, student, likely: int) -> tuple[list[str], tuple | None]:
        """A student's post-16 routes (maths routes first) and where they follow them."""
        rng = self.rng
        lift = 0.1 if student.is_target else 0
        if rng.random() < A_LEVEL_MATHS_SHARE.get(min(likely, 9), 0.02) + lift:
            routes = ["a_level_maths"]
            if rng.random() < FURTHER_MATHS_SHARE.get(min(likely, 9), 0.05):
                routes.append("a_level_further_maths")
            return routes, None if rng.random() < 0.8 else rng.choice(COLLEGES)
        roll = rng.random()
        if roll < 0.7:
            core = likely >= 5 and rng.random() < 0.3
            routes = ["core_maths", "other_level_3"] if core else ["other_level_3"]
            return routes, None if rng.random() < 0.55 else rng.choice(COLLEGES)
        if roll < 0.9:
            return ["apprenticeship"], APPRENTICESHIPS
        return ["employment" if roll < 0.95 else "not_in_education"], None

    def choose_post16(self, student, lead_id, final: int | None) -> list[str]:
        """Intentions in Year 11, then applications, enrolments and completions; return the
        maths routes enrolled on."""
        rng, ey = self.rng, student.entry_year
        year_now = student.year_group(self.today)
        intention_on = self.term_day(ey, 11, 0) + timedelta(days=rng.randint(0, 100))
        likely = final if final is not None else round(self.ability(student))
        routes, where = self.routes_for(student, likely)
        # Some Year 11s have not said yet, so "Needs attention" has someone to show.
        if self.past(intention_on) and not (year_now == 11 and rng.random() < 0.35):
            status = "considering" if rng.random() < 0.3 else "intends"
            for route in routes:
                self.post16(student, lead_id, route, status, intention_on, where)
        if year_now < 12:
            return []
        for route in routes:
            if route in ("a_level_maths", "a_level_further_maths", "core_maths", "other_level_3"):
                self.post16(student, lead_id, route, "applied", date(ey + 5, 2, 1), where)
            self.post16(student, lead_id, route, "enrolled", date(ey + 5, 9, 8), where)
        enrolled = [r for r in routes if r in ("a_level_maths", "a_level_further_maths")]
        enrolled += ["core_maths"] if "core_maths" in routes else []
        if "a_level_further_maths" in enrolled and rng.random() < 0.2:
            self.post16(
                student, lead_id, "a_level_further_maths", "withdrawn", date(ey + 6, 1, 20), where
            )
            enrolled.remove("a_level_further_maths")
        if student.left_on is not None:
            for route in enrolled:
                self.post16(student, lead_id, route, "completed", date(ey + 7, 7, 1), where)
        return enrolled

    def sixth_form_grades(self, student, teacher_id, final: int, enrolled: list[str]) -> dict:
        """A-level predictions (and finals, June series, once results day has passed)."""
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
                june = date(ey + 7, 6, 1)
                self.grade(student, None, qualification, "final", got, None, results, june)
                out[qualification] = got
        if "core_maths" in enrolled and self.past(date(ey + 6, 8, 15)):
            grade = self.rng.choice("ABC")
            day, june = date(ey + 6, 8, 15), date(ey + 6, 6, 1)
            self.grade(student, None, "core_maths", "final", grade, None, day, june)
        return out

    def subject_for(self, student, enrolled: list[str], placed: bool) -> tuple[str, str]:
        """A degree subject (HECoS codes) and its category: mathematics for about one in eight
        A-level Maths students, as nationally; a few per cent of target students (see
        TARGET_MATHS_EVERY)."""
        roll = self.rng.random()
        maths = "a_level_maths" in enrolled
        if student.is_target and placed:
            self.target_places += 1
            if self.target_places % TARGET_MATHS_EVERY == TARGET_MATHS_FIRST:
                return "mathematics", self.rng.choice(MATHS)
        if student.is_target:
            roll = max(roll, 0.12)
        if maths and roll < 0.12:
            return "mathematics", self.rng.choice(MATHS)
        if maths and roll < 0.6 or roll < 0.2:
            return "maths_related", self.rng.choice(MATHS_RELATED)
        return "other", self.rng.choice(OTHER_SUBJECTS)

    @staticmethod
    def names(codes: str) -> str:
        return " and ".join(hecos.subject(code).name for code in codes.split())

    def ucas(self, student, lead_id, enrolled: list[str], placed: bool) -> tuple[str, str, str]:
        rng, ey = self.rng, student.entry_year
        category, codes = self.subject_for(student, enrolled, placed)
        provider, subject = rng.choice(UNIVERSITIES), self.names(codes)
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
                        course=course[:200],
                        provider=provider,
                        subject=subject[:100],
                        subject_category=category,
                        status=status,
                        recorded_on=on,
                        entered_by_id=lead_id,
                    )
                )
        return category, codes, provider

    def destination(self, student, lead_id, enrolled: list[str]) -> None:
        """Where a leaver went: a university place (HECoS subject; a few deferred), a degree
        or other apprenticeship, employment, further education, a gap year, or not known."""
        rng, ey = self.rng, student.entry_year
        roll = rng.random() - (0.15 if enrolled else 0)
        on, status, codes, provider, evidence = (
            date(ey + 7, 10, 1),
            "started",
            None,
            None,
            "student",
        )
        if roll < 0.55:
            kind, evidence = "higher_education", "ucas"
            _category, codes, provider = self.ucas(student, lead_id, enrolled, placed=True)
            status = "deferred" if rng.random() < 0.04 else "started"
        elif roll < 0.6:
            kind, codes, provider = "degree_apprenticeship", "100366", APPRENTICESHIPS[0]
        elif roll < 0.7:
            kind, provider = "apprenticeship", APPRENTICESHIPS[0]
        elif roll < 0.82:
            kind, evidence = "employment", "school_survey"
        elif roll < 0.88:
            kind = "further_education"
        elif roll < 0.94:
            kind = "gap_year"
        else:
            kind, status, evidence = "unknown", None, "school_survey"
        self.rows.append(
            Destination(
                student_id=student.id,
                type=kind,
                hecos=codes,
                subject=self.names(codes)[:100] if codes else None,
                status=status,
                provider=provider,
                evidence=evidence,
                recorded_on=on,
                entered_by_id=lead_id,
            )
        )

    # ---- past cohorts ----

    def past_students(self, school: School, entry_year: int) -> list[Student]:
        """A cohort that has left: the shell's demo students, with a leaving date."""
        first = 500 + (entry_year % 10) * PAST_COHORT_SIZE
        students = demo_cohort(
            self.rng, school, entry_year, PAST_COHORT_SIZE, first, date(entry_year + 7, 7, 1)
        )
        for student in students:
            student.left_on = date(entry_year + 7, 7, 20)
        db.session.add_all(students)
        return students
