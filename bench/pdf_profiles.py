"""PDF profile timings: one profile at a time, then a bulk export of a school's students.

    .venv/bin/python bench/pdf_profiles.py [--students 200] [--repeat 15]

Seeds one school of N students with full histories (grades of every kind in GCSE and A-level
Maths, post-16 choice, UCAS, destination, competition results, notes, enrichment attended) in
a temporary SQLite database (or DATABASE_URL: an empty database it may fill). Prints:

- the median time of one profile (load, HTML, PDF), and of a bare WeasyPrint render of a
  static HTML page of the same length measured in the same run, and their ratio
  (target: at most 2);
- a bulk export of all N students on a real task queue consumer (`flask worker` with two
  worker processes): wall time, profiles per second, wall time per profile, and CPU time over
  wall time (above 1 means more than one core worked).
"""

import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import common  # noqa: E402,I001 (first: it puts the project on sys.path)
from sqlalchemy import select  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import Role, Student  # noqa: E402
from tests.factories import make_group, make_school, make_student, make_user  # noqa: E402
from tracking import services  # noqa: E402
from tracking.models import (  # noqa: E402
    CompetitionResult,
    Destination,
    Post16Record,
    StudentNote,
    UcasApplication,
)
from tracking.profiles import jobs, pdf, render  # noqa: E402
from tracking.profiles.services import load_profiles  # noqa: E402

WORKERS = 2
NAMES = ["Zoë Brontë", "Łukasz Nowak", "李 小龍", "سارة أحمد", "Amira Khan", "Oliver Smith"]


def seed(students: int) -> tuple[object, list[int]]:
    """Add a school, its lead, and `students` students with full histories in one group."""
    rng = random.Random(200)
    school = make_school("Bench Academy")
    lead = make_user(Role.LEAD, school, email="bench-lead@example.org")
    made = []
    for i in range(students):
        first, last = NAMES[i % len(NAMES)].split(" ", 1)
        student = make_student(
            school,
            year_group=11,
            first_name=first,
            last_name=f"{last} {i}",
            is_target=True,
            pupil_premium=i % 2 == 0,
            ks2_maths=rng.randint(95, 120),
        )
        start = date(2023, 9, 1)
        for term in range(6):
            day = start + timedelta(days=120 * term)
            services.record_grade(
                lead, student, "gcse_maths", "predicted", str(rng.randint(5, 9)), None, day
            )
            services.record_grade(
                lead,
                student,
                "gcse_maths",
                "mock",
                str(rng.randint(4, 9)),
                "higher",
                day + timedelta(days=30),
            )
        services.record_grade(lead, student, "gcse_maths", "target", "8", None, start)
        services.record_grade(
            lead, student, "gcse_maths", "final", "8", "higher", date(2025, 8, 21)
        )
        for kind, grade in (("target", "A"), ("predicted", "A*"), ("mock", "B")):
            services.record_grade(
                lead, student, "a_level_maths", kind, grade, None, date(2026, 1, 10)
            )
        services.add_record(
            lead,
            student,
            Post16Record,
            {
                "subject": "a_level_maths",
                "status": "enrolled",
                "provider": "City Sixth Form",
                "recorded_on": date(2025, 9, 1),
            },
        )
        services.add_record(
            lead,
            student,
            UcasApplication,
            {
                "course": "BSc Mathematics",
                "provider": "University of Leeds",
                "subject": "Mathematics",
                "subject_category": "mathematics",
                "status": "firm",
                "recorded_on": date(2026, 1, 20),
            },
        )
        services.add_record(
            lead,
            student,
            Destination,
            {
                "type": "higher_education",
                "subject_category": "mathematics",
                "subject": "Mathematics",
                "provider": "University of Leeds",
                "evidence": "ucas",
                "recorded_on": date(2026, 8, 20),
            },
        )
        services.add_record(
            lead,
            student,
            CompetitionResult,
            {
                "competition": "UKMT Intermediate Maths Challenge",
                "taken_on": date(2025, 2, 1),
                "award": "gold",
                "follow_on": "Kangaroo",
            },
        )
        for n in range(3):
            services.add_record(
                lead,
                student,
                StudentNote,
                {"text": f"Note {n}: worked well in the booster group; " * 4},
            )
        made.append(student)
    make_group(school, name="Bench group", students=made)
    db.session.commit()
    return school, [s.id for s in made]


def bare_page(length: int) -> str:
    """A static HTML page of `length` characters: plain paragraphs, no CSS, no charts."""
    words = "The quick brown fox jumps over the lazy dog and keeps on running. "
    body = (words * (length // len(words) + 1))[: max(0, length - 80)]
    paragraphs = "".join(f"<p>{body[i : i + 600]}</p>" for i in range(0, len(body), 600))
    return f"<!doctype html><html><head><title>Bare</title></head><body>{paragraphs}</body></html>"


def main() -> None:
    args = common.arguments(__doc__, students=200, repeat=15)
    for name in ("TASK_QUEUE_PATH", "REDIS_URL"):
        os.environ.pop(name, None)
    app, uri = common.migrated_app()
    with app.app_context():
        print(f"Seeding {args.students} students ({uri.split('://')[0]})...", flush=True)
        school, ids = seed(args.students)
        db.session.expire_all()

        html = render.profile_html(load_profiles(ids[:1])[0], sensitive=True)
        bare = bare_page(len(html))
        pdf.render_pdf(html, render.static_folders())  # warm up fonts and caches, for both
        from weasyprint import HTML

        HTML(string=bare).write_pdf()

        profile_times, bare_times = [], []
        for i in range(args.repeat):
            sid = ids[i % len(ids)]
            started = time.perf_counter()
            render.profile_pdf(load_profiles([sid])[0], sensitive=True)
            profile_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            HTML(string=bare).write_pdf()
            bare_times.append(time.perf_counter() - started)
        one, floor = statistics.median(profile_times), statistics.median(bare_times)
        print(f"HTML length {len(html)} characters (bare page {len(bare)})")
        print(f"one profile: median {one * 1000:.0f} ms")
        print(f"bare WeasyPrint page of the same length: median {floor * 1000:.0f} ms")
        print(f"ratio profile / bare: {one / floor:.2f} (target <= 2)")

        students = list(db.session.scalars(select(Student).where(Student.id.in_(ids))))
        group = students[0].groups[0]
        job = jobs.create_job(None, school, list(group.students), sensitive=False, group=group)
        db.session.commit()
        consumer = _start_consumer(uri, WORKERS)
        try:
            time.sleep(1)  # let the consumer start before the clock does
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            jobs.start(job)
            while True:
                db.session.rollback()  # a fresh look at what the workers committed
                progress = jobs.progress_of([job.id])[job.id]
                if progress.finished:
                    break
                time.sleep(0.1)
            wall = time.perf_counter() - started
        finally:
            consumer.send_signal(signal.SIGTERM)
            consumer.wait(timeout=120)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        zipped = len(jobs.zip_bytes(job))
        total = progress.total
        print(
            f"bulk: {total} profiles ({progress.failed} failed) in {wall:.1f} s on a consumer "
            f"of {WORKERS} worker processes: {total / wall:.1f} profiles/s, "
            f"{wall / total * 1000:.0f} ms each; zip {zipped / 1e6:.1f} MB"
        )
        print(
            f"bulk CPU: consumer and workers {cpu:.1f} s = {cpu / wall:.2f} x wall time "
            f"({'both cores used' if cpu / wall > 1.2 else 'one core'})"
        )


def _start_consumer(uri: str, workers: int) -> subprocess.Popen:
    """`flask worker` on the bench's database, and so on its queue (derived from the database
    as in the bench's own app: neither sets TASK_QUEUE_PATH or REDIS_URL)."""
    env = {**os.environ, "DATABASE_URL": uri}
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", str(workers)],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


if __name__ == "__main__":
    main()
