"""Tracking timings for a large cohort: seeds one school with N students with full histories
(grades, post-16 records, UCAS, destinations, competition results, notes, interventions with
attendance), then times the timeline page, the "Needs attention" page and the five outcomes.

    .venv/bin/python bench/progression.py [--students 5000] [--repeat 30]

Uses a temporary SQLite database unless DATABASE_URL is set (then it must be an empty
database it may fill). Prints the median and p95 of each request in milliseconds and its ratio
to the median of a trivial route (/healthz) measured in the same run, so the figures can be
compared across noisy machines.
"""

import random
import statistics
import time
from datetime import date, datetime, timedelta

import common  # noqa: E402,I001 (first: it puts the project on sys.path)
from sqlalchemy import insert, select  # noqa: E402

from app import academic  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Group, GroupMember, Role, Student  # noqa: E402
from app.upn import make_upn  # noqa: E402
from tests.factories import PASSWORD, make_school, make_user  # noqa: E402
from tracking import queries  # noqa: E402
from tracking.cli import outcomes_for  # noqa: E402
from tracking.models import (  # noqa: E402
    Attendance,
    CompetitionResult,
    Destination,
    GradeRecord,
    Intervention,
    Post16Record,
    StudentNote,
    UcasApplication,
)


def seed(students: int) -> tuple[str, list[int]]:
    """Add the school, its lead and `students` students with full histories (bulk inserts)."""
    rng = random.Random(5000)
    today = date.today()
    school = make_school("Bench Academy")
    lead = make_user(Role.LEAD, school, email="bench-lead@example.org")
    this_year = academic.academic_year(today)
    rows = []
    for i in range(students):
        entry_year = this_year - (i % 9)  # Years 7-13 and two cohorts who have left
        rows.append(
            {
                "school_id": school.id,
                "upn": make_upn(f"{i:012d}"),
                "first_name": f"Pupil{i}",
                "last_name": f"Surname{i % 500}",
                "entry_year": entry_year,
                "is_target": i % 10 == 0,
                "pupil_premium": i % 3 == 0,
                "survey_code": f"B{i:07d}",
                "search_text": f"pupil{i} surname{i % 500}",
                "left_on": date(entry_year + 7, 7, 20) if entry_year <= this_year - 7 else None,
            }
        )
    db.session.execute(insert(Student), rows)
    ids = db.session.scalars(select(Student.id).order_by(Student.id)).all()
    entry = dict(db.session.execute(select(Student.id, Student.entry_year)).all())
    grades, post16, ucas, dests, comps, notes = [], [], [], [], [], []
    for sid in ids:
        ey = entry[sid]
        base = {"student_id": sid, "source": "imported", "entered_by_id": lead.id}
        for year in range(7, 12):
            for term, (month, day) in enumerate(((10, 14), (2, 10), (6, 16))):
                on = date(ey + year - 7 + (term > 0), month, day)
                if on > today:
                    continue
                qual = "ks3_maths" if year <= 9 else "gcse_maths"
                for kind in ("working_at",) if year <= 9 else ("working_at", "predicted"):
                    grades.append(
                        {
                            **base,
                            "qualification": qual,
                            "kind": kind,
                            "grade": str(rng.randint(3, 9)),
                            "recorded_on": on,
                        }
                    )
        if date(ey + 5, 8, 21) <= today:
            grades.append(
                {
                    **base,
                    "qualification": "gcse_maths",
                    "kind": "final",
                    "grade": str(rng.randint(4, 9)),
                    "tier": "higher",
                    "recorded_on": date(ey + 5, 8, 21),
                }
            )
            for status, on in (
                ("considering", date(ey + 5, 1, 10)),
                ("enrolled", date(ey + 5, 9, 8)),
            ):
                post16.append(
                    {
                        **base,
                        "route": "a_level_maths",
                        "status": status,
                        "institution": "own_sixth_form",
                        "recorded_on": on,
                    }
                )
        if date(ey + 7, 8, 15) <= today:
            grades.append(
                {
                    **base,
                    "qualification": "a_level_maths",
                    "kind": "final",
                    "grade": rng.choice("ABC"),
                    "recorded_on": date(ey + 7, 8, 15),
                }
            )
            ucas.append(
                {
                    **base,
                    "course": "BSc Mathematics",
                    "provider": "University",
                    "subject": "Mathematics",
                    "subject_category": "mathematics",
                    "status": "placed",
                    "recorded_on": date(ey + 7, 8, 15),
                }
            )
            dests.append(
                {
                    **base,
                    "type": "higher_education",
                    # HECoS: mathematics, physics, history
                    "hecos": rng.choice(("100403", "100425", "100302")),
                    "status": "started",
                    "evidence": "ucas",
                    "recorded_on": date(ey + 7, 10, 1),
                }
            )
        comps.append(
            {
                **base,
                "competition": "UKMT Intermediate Maths Challenge",
                "taken_on": date(ey + 3, 2, 5),
                "award": "bronze",
            }
        )
        notes.append({"student_id": sid, "text": "A note about progress.", "author_id": lead.id})
    for model, batch in (
        (GradeRecord, grades),
        (Post16Record, post16),
        (UcasApplication, ucas),
        (Destination, dests),
        (CompetitionResult, comps),
        (StudentNote, notes),
    ):
        if batch:
            db.session.execute(insert(model), batch)
    # Interventions: 14 groups, 10 sessions each, every member marked.
    groups = [Group(school_id=school.id, name=f"G{n}") for n in range(14)]
    db.session.add_all(groups)
    db.session.flush()
    db.session.execute(
        insert(GroupMember),
        [{"group_id": groups[i % 14].id, "student_id": sid} for i, sid in enumerate(ids)],
    )
    marks = []
    for g, group in enumerate(groups):
        members = ids[g::14]
        for n in range(10):
            iv = Intervention(
                school_id=school.id,
                type="ks4_booster",
                title=f"Session {n}",
                held_on=today - timedelta(days=7 * n),
                duration_minutes=50,
                group_id=group.id,
            )
            db.session.add(iv)
            db.session.flush()
            marks += [
                {
                    "intervention_id": iv.id,
                    "student_id": sid,
                    "status": "present" if rng.random() < 0.85 else "absent",
                    "marked_at": datetime.now(),
                }
                for sid in members
            ]
    db.session.execute(insert(Attendance), marks)
    db.session.commit()
    return lead.email, ids


def main() -> None:
    args = common.arguments(__doc__, students=5000, repeat=30)

    app, uri = common.migrated_app()
    with app.app_context():
        start = time.perf_counter()
        email, ids = seed(args.students)
        rows = sum(
            db.session.query(model).count()
            for model in (GradeRecord, Post16Record, UcasApplication, Destination, Attendance)
        )
        took = time.perf_counter() - start
        print(f"seeded {args.students} students, {rows} records in {took:.1f} s ({uri})")

    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    rng = random.Random(1)

    def timed(url_for_run) -> list[float]:
        samples = []
        for _ in range(args.repeat):
            url = url_for_run()
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return samples

    floor = statistics.median(timed(lambda: "/healthz"))
    print(f"{'trivial route /healthz (floor)':<44} median {floor:7.1f} ms")
    for label, url in (
        ("student timeline (random student)", lambda: f"/students/{rng.choice(ids)}/timeline"),
        ("student page with progression section", lambda: f"/students/{rng.choice(ids)}"),
        ("interventions list", lambda: "/interventions"),
        ("register (~360 students)", lambda: "/interventions/1/register"),
        ("needs attention (500 target students)", lambda: "/attention"),
    ):
        samples = timed(url)
        median = statistics.median(samples)
        print(
            f"{label:<44} median {median:7.1f} ms  p95 {common.p95(samples):7.1f} ms  "
            f"ratio {median / floor:6.1f}x"
        )
    # Results day: saving one grade from the grid, for a random student of this large cohort.
    cycle = iter(["7", "8", "9"] * args.repeat)

    def save_cell():
        sid = rng.choice(ids)
        data = {
            "qualification": "gcse_maths",
            "kind": "predicted",
            "tier": "higher",
            "date": date.today().isoformat(),
            "student": sid,
            f"grade-{sid}": next(cycle),
        }
        return client.post("/results/cell", data=data, headers={"HX-Request": "true"})

    samples = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        response = save_cell()
        assert response.status_code == 200 and b"Saved" in response.data, response.data[:300]
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    print(
        f"{'results-day grid: save one cell':<44} median {median:7.1f} ms  "
        f"p95 {common.p95(samples):7.1f} ms  ratio {median / floor:6.1f}x"
    )
    with app.app_context():
        for label, run in (
            (
                "load outcome data, no survey scores",
                lambda: queries.outcome_data(select(Student), with_surveys=False),
            ),
            (
                "five outcomes, all students (flask outcomes)",
                lambda: outcomes_for(None, None, False),
            ),
        ):
            samples = []
            for _ in range(max(3, args.repeat // 10)):
                start = time.perf_counter()
                run()
                samples.append((time.perf_counter() - start) * 1000)
                db.session.rollback()
            median = statistics.median(samples)
            print(f"{label:<44} median {median:7.1f} ms  ratio {median / floor:6.1f}x")


if __name__ == "__main__":
    main()
