"""Roster timings for a large school: seeds one school with N students, then times the list,
later pages, search and filters through the app (in process), as a signed-in lead.

    .venv/bin/python bench/roster.py [--students 2000] [--repeat 30]

Uses a temporary SQLite database unless DATABASE_URL is set (then it must be an empty
database it may fill). Prints the median and p95 of each request in milliseconds and its
ratio to the median of a trivial route (/healthz) measured in the same run, so the figures
can be compared across noisy machines.
"""

import statistics
import time

import common  # noqa: E402,I001 (first: it puts the project on sys.path)

from app.extensions import db  # noqa: E402
from app.models import Group, GroupMember, Role, Student  # noqa: E402
from tests.factories import PASSWORD, make_school, make_student, make_user  # noqa: E402


def seed(students: int) -> str:
    school = make_school("Bench Academy")
    lead = make_user(Role.LEAD, school, email="bench-lead@example.org")
    groups = [Group(school_id=school.id, name=f"{y}X{n}") for y in range(7, 14) for n in (1, 2)]
    db.session.add_all(groups)
    db.session.flush()
    for i in range(students):
        student = make_student(
            school,
            year_group=7 + i % 7,
            first_name=f"Pupil{i}",
            last_name=f"Surname{i % 500}",
            is_target=i % 10 == 0,
            pupil_premium=i % 3 == 0,
        )
        db.session.add(GroupMember(group_id=groups[i % len(groups)].id, student_id=student.id))
    db.session.commit()
    return lead.email


def main() -> None:
    args = common.arguments(__doc__, students=2000, repeat=30)

    app, uri = common.migrated_app()
    with app.app_context():
        start = time.perf_counter()
        email = seed(args.students)
        print(f"seeded {args.students} students in {time.perf_counter() - start:.1f} s ({uri})")

    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    cases = [
        ("trivial route /healthz (floor)", "/healthz"),
        ("roster, first page", "/students/"),
        ("roster, page 20", "/students/?page=20"),
        ("search by name 'pupil12'", "/students/?q=pupil12"),
        ("search by surname (many hits)", "/students/?q=surname1"),
        ("search by UPN", None),
        ("filter Year 10 + target", "/students/?year=10&target=1"),
        ("live search fragment (htmx)", "/students/?q=pupil1"),
    ]
    with app.app_context():
        upn = db.session.scalar(db.select(Student.upn).limit(1))
    floor = None
    print(f"{'request':<34} {'median ms':>10} {'p95 ms':>8} {'x floor':>8}")
    for label, url in cases:
        url = url or f"/students/?q={upn}"
        headers = {"HX-Request": "true"} if "htmx" in label else {}
        client.get(url, headers=headers)  # warm up
        samples = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(url, headers=headers)
            samples.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        median = statistics.median(samples)
        floor = floor or median
        print(f"{label:<34} {median:>10.2f} {common.p95(samples):>8.2f} {median / floor:>8.1f}")


if __name__ == "__main__":
    main()
