"""Results-day grid timings: seeds one school of N students (default 3,000) with a few grades
each and a group of 30, then times the grid page and saving cells.

    .venv/bin/python bench/results_grid.py [--students 3000] [--repeat 60]

Uses a temporary SQLite database unless DATABASE_URL is set (then it must be an empty
database it may fill). Prints the median and p95 of each request in milliseconds and its ratio
to the median of a trivial route (/healthz) measured in the same run, so the figures can be
compared across noisy machines; and the number of SQL statements of one grid page.
"""

import itertools
import statistics
import time
from datetime import date

import common  # noqa: E402,I001 (first: it puts the project on sys.path)
from sqlalchemy import event, func, insert, select  # noqa: E402

from app import academic  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Group, GroupMember, Role, Student  # noqa: E402
from app.upn import make_upn  # noqa: E402
from tests.factories import PASSWORD, make_school, make_user  # noqa: E402
from tracking.models import GradeRecord  # noqa: E402

GROUP_SIZE = 30
CHOICE = {"qualification": "gcse_maths", "kind": "final", "tier": "higher", "term": ""}


def seed(students: int) -> tuple[str, int, list[int]]:
    """Add the school, its lead, `students` Year 11 students with a working-at, predicted and
    final GCSE grade each, and a group of the first 30. Returns (email, group id, its ids)."""
    today = date.today()
    school = make_school("Bench Academy")
    lead = make_user(Role.LEAD, school, email="bench-lead@example.org")
    entry_year = academic.entry_year_for(11, today)
    db.session.execute(
        insert(Student),
        [
            {
                "school_id": school.id,
                "upn": make_upn(f"{i:012d}"),
                "first_name": f"First{i}",
                "last_name": f"Last{i:05d}",
                "entry_year": entry_year,
                "survey_code": f"B{i:07d}",
                "search_text": f"first{i} last{i:05d}",
            }
            for i in range(students)
        ],
    )
    ids = db.session.scalars(select(Student.id).order_by(Student.id)).all()
    base = {"source": "imported", "entered_by_id": lead.id, "tier": "higher"}
    db.session.execute(
        insert(GradeRecord),
        [
            {
                **base,
                "student_id": sid,
                "qualification": "gcse_maths",
                "kind": kind,
                "grade": str(4 + (sid + n) % 6),
                "recorded_on": date(today.year - 1, 3 + n, 1),
            }
            for sid in ids
            for n, kind in enumerate(("working_at", "predicted", "final"))
        ],
    )
    group = Group(school_id=school.id, name="11X1")
    db.session.add(group)
    db.session.flush()
    members = ids[:GROUP_SIZE]
    db.session.execute(
        insert(GroupMember), [{"group_id": group.id, "student_id": sid} for sid in members]
    )
    db.session.commit()
    return lead.email, group.id, members


def main() -> None:
    args = common.arguments(__doc__, students=3000, repeat=60)

    app, uri = common.migrated_app()
    with app.app_context():
        start = time.perf_counter()
        email, group_id, members = seed(args.students)
        took = time.perf_counter() - start
        print(
            f"seeded {args.students} students, {3 * args.students} grades, "
            f"a group of {len(members)} in {took:.1f} s ({uri})"
        )

    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    day = date.today().isoformat()
    grid_url = f"/results/grid?group={group_id}&date={day}&" + "&".join(
        f"{k}={v}" for k, v in CHOICE.items()
    )
    grades = itertools.cycle(["9", "8", "7", "6", "5", "4"])
    students = itertools.cycle(members)

    def timed(request) -> list[float]:
        samples = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = request()
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code in (200, 303), response.status_code
        return samples

    def cell(grade_for) -> callable:
        def post():
            sid = next(students)
            data = {**CHOICE, "date": day, "student": sid, f"grade-{sid}": grade_for()}
            return client.post("/results/cell", data=data, headers={"HX-Request": "true"})

        return post

    def save_all():
        data = {**CHOICE, "date": day, "group": group_id}
        grade = next(grades)
        for sid in members:
            data[f"grade-{sid}"], data[f"was-{sid}"] = grade, ""
        return client.post("/results/grid", data=data)

    with app.app_context():
        statements: list[str] = []
        listener = lambda *_args: statements.append("")  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        client.get(grid_url)
        event.remove(db.engine, "before_cursor_execute", listener)

    floor = statistics.median(timed(lambda: client.get("/healthz")))
    print(f"{'trivial route /healthz (floor)':<44} median {floor:7.1f} ms")
    print(f"{'grid page: SQL statements':<44} {len(statements)}")
    same = cell(lambda: "9")
    for label, prepare, request in (
        (f"grid page ({len(members)} students)", None, lambda: client.get(grid_url)),
        ("cell save (new grade each time)", None, cell(lambda: next(grades))),
        # Every student gets a 9 for today first: then each save repeats it and adds no row.
        ("cell save (same grade again: no row)", lambda: [same() for _ in members], same),
        ("cell save (off the scale: error)", None, cell(lambda: "2")),
        (f"save all, no JavaScript ({len(members)} cells)", None, save_all),
    ):
        if prepare:
            prepare()
        samples = timed(request)
        median = statistics.median(samples)
        print(
            f"{label:<44} median {median:7.1f} ms  p95 {common.p95(samples):7.1f} ms  "
            f"ratio {median / floor:6.1f}x"
        )
    with app.app_context():
        added = db.session.scalar(
            select(func.count()).select_from(GradeRecord).where(GradeRecord.source == "entered")
        )
        print(f"grades added by the run: {added}")


if __name__ == "__main__":
    main()
