"""A long roster import while a class saves survey answers, against gunicorn on 127.0.0.1.

    .venv/bin/python bench/import_while_saving.py [--rows 20000] [--students 30]
    DATABASE_URL=postgresql://... .venv/bin/python bench/import_while_saving.py  # EMPTY db

Seeds a class with an open session in a temporary SQLite database (or DATABASE_URL, an empty
database the script migrates), starts gunicorn, and lets every student join and save answers
one request at a time with a short pause after each (THINK, `--think 0` for none), over and
over: first for a few seconds with nothing else running (the floor), then while `flask
students import` of a roster of ROWS new students runs in another process. Prints the
import's time, its longest write transaction (from its first write statement to its commit,
as measured inside the import's process), and p50/p95/max of the saves during the import
against the floor, with ratios; and the failed saves (must be 0).

The functions here are shared with tests/app/test_import_concurrency.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import survey_burst as burst  # noqa: E402

URN = "199999"  # the school of survey_burst.seed_class
WRITES = ("INSERT", "UPDATE", "DELETE")
# Seconds a student pauses after each save (reading the next question): a busy class, yet
# not a flood in which the server's own queue, not the import, makes saves wait.
THINK = (0.2, 0.8)


@dataclass
class Saves:
    """Every save: (started at, seconds, HTTP status), from all student threads."""

    samples: list[tuple[float, float, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    threads: list[threading.Thread] = field(default_factory=list)

    def between(self, start: float, end: float) -> list[tuple[float, float, int]]:
        """The saves that were in flight at some moment between `start` and `end`."""
        return [s for s in self.samples if s[0] < end and s[0] + s[1] > start]


def write_roster(path: Path, rows: int) -> None:
    """A roster CSV of `rows` new students in 20 maths sets (UPNs no seeded student has)."""
    from app.upn import make_upn

    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["UPN", "Forename", "Surname", "Year", "PP", "Maths Set"])
        for i in range(rows):
            year = 7 + i % 5
            writer.writerow(
                [make_upn(f"{880000000000 + i:012d}"), f"First{i}", f"Last{i % 900}", year,
                 "Y" if i % 3 == 0 else "N", f"{year}X{i % 4}"]
            )  # fmt: skip


def keep_saving(
    port: int,
    class_code: str,
    codes: list[str],
    items: list[str],
    stop: threading.Event,
    think: tuple[float, float] = THINK,
) -> Saves:
    """Start one thread per personal code: join, then save answers one request at a time,
    pausing between `think` seconds (at random) after each as a student reading the next
    question does, until `stop` is set. Returns the Saves the threads fill (join the threads
    with `.done`)."""
    saves = Saves()
    ready = threading.Barrier(len(codes) + 1)

    def student(index: int, code: str) -> None:
        timings = burst.Timings()
        browser = burst.Browser(port, timings, timeout=60)
        header_token = None
        try:
            status, page, _ = browser.request("page", "GET", "/join")
            token = burst.TOKEN_IN_FORM.search(page).group(1)
            data = {"csrf_token": token, "class_code": class_code, "personal_code": code}
            status, _, _ = browser.request("join", "POST", "/join", data)
            browser.expect(status, 303, f"join of student {index}")
            status, page, _ = browser.request("page", "GET", "/join/survey")
            header_token = burst.TOKEN_IN_HEADERS.search(page).group(1)
        except Exception as error:  # noqa: BLE001 - counted and reported
            with saves.lock:
                saves.errors.append(f"student {index} could not join: {error}")
        ready.wait()
        if header_token is None:
            return
        htmx = {"HX-Request": "true", "X-CSRFToken": header_token}
        n = 0
        while not stop.is_set():
            item = items[(index + n) % len(items)]
            started = time.time()
            try:
                status, _, _ = browser.request(
                    "save", "POST", "/join/answer", {"item": item, item: str(1 + n % 4)}, htmx
                )
            except Exception as error:  # noqa: BLE001 - a timeout or a reset is a failure
                status = 0
                with saves.lock:
                    saves.errors.append(f"save of student {index}: {error}")
            with saves.lock:
                saves.samples.append((started, time.time() - started, status))
            n += 1
            if think[1] > 0:
                stop.wait(random.uniform(*think))

    threads = [threading.Thread(target=student, args=(i, c)) for i, c in enumerate(codes)]
    for thread in threads:
        thread.start()
    ready.wait()
    saves.threads = threads
    return saves


def finish(saves: Saves) -> None:
    """Wait for the student threads of `saves` (after setting their stop event)."""
    for thread in saves.threads:
        thread.join(timeout=90)


def run_import(database_url: str, roster: Path) -> dict:
    """Run `flask students import` in another process; return what it measured (see
    `child_import`): its exit code and output, its seconds, its write transactions."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-" + "x" * 32}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(roster)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"the import process failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_import(roster: str) -> None:
    """In the import's own process: time every write transaction of the import (its first
    write statement to its commit or rollback) and print the figures as one JSON line."""
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db

    app = create_app()
    transactions: list[tuple[float, float]] = []
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _statement(conn, _cursor, statement, *_args):
            if statement.lstrip().upper().startswith(WRITES):
                conn.info.setdefault("first_write", time.time())

        def _end(conn):
            started = conn.info.pop("first_write", None)
            if started is not None:
                transactions.append((started, time.time()))

        event.listen(engine, "commit", _end)
        event.listen(engine, "rollback", _end)
        started = time.time()
        result = app.test_cli_runner().invoke(
            args=["students", "import", roster, "--school", URN], catch_exceptions=True
        )
        ended = time.time()
    longest = max((end - begin for begin, end in transactions), default=0.0)
    print(
        json.dumps(
            {
                "exit_code": result.exit_code,
                "output": result.output[-2000:],
                "error": repr(result.exception) if result.exception else None,
                "started": started,
                "ended": ended,
                "writes_started": min((b for b, _ in transactions), default=started),
                "writes_ended": max((e for _, e in transactions), default=ended),
                "transactions": len(transactions),
                "longest_transaction": longest,
            }
        )
    )


def figures(samples: list[tuple[float, float, int]]) -> tuple[int, float, float, float]:
    """(count, p50, p95, max) of the durations of `samples`, in seconds."""
    seconds = [s[1] for s in samples]
    if not seconds:
        return 0, float("nan"), float("nan"), float("nan")
    return (
        len(seconds),
        burst.percentile(seconds, 50),
        burst.percentile(seconds, 95),
        max(seconds),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--floor-seconds", type=float, default=5)
    parser.add_argument(
        "--think", type=float, default=THINK[1], help="longest pause after a save (0: none)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    think = (min(THINK[0], args.think), args.think)
    if args.child:
        child_import(args.child)
        return 0

    from flask_migrate import upgrade

    from app import create_app
    from app.config import database_url
    from app.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        raw = os.environ.get("DATABASE_URL") or "sqlite:///" + str(Path(folder) / "bench.sqlite")
        url = database_url(raw, folder)
        roster = Path(folder) / "roster.csv"
        write_roster(roster, args.rows)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            seeded = burst.seed_class(args.students, "self_efficacy")
            db.session.remove()
            db.engine.dispose()
        process, port = burst.start_gunicorn(url, args.workers, args.threads)
        try:
            stop = threading.Event()
            floor = keep_saving(
                port, seeded["class_code"], seeded["codes"], seeded["items"], stop, think
            )
            time.sleep(args.floor_seconds)
            stop.set()
            finish(floor)
            stop = threading.Event()
            during = keep_saving(
                port, seeded["class_code"], seeded["codes"], seeded["items"], stop, think
            )
            try:
                imported = run_import(url, roster)
            finally:
                stop.set()
                finish(during)
        finally:
            burst.stop(process)

    backend = url.split(":", 1)[0]
    writing = during.between(imported["writes_started"], imported["writes_ended"])
    print(
        f"Import of {args.rows} new students while {args.students} students save answers; "
        f"gunicorn {args.workers} workers x {args.threads} threads; {backend}"
    )
    print(f"import exit code {imported['exit_code']}: {imported['output'].strip()[-200:]}")
    print(
        f"import time {imported['ended'] - imported['started']:.1f} s "
        f"(writing {imported['writes_ended'] - imported['writes_started']:.1f} s); "
        f"write transactions {imported['transactions']}, longest "
        f"{imported['longest_transaction'] * 1000:.0f} ms"
    )
    floor_figures = figures(floor.samples)
    print(f"{'saves':<26}{'n':>7}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    rows = [
        ("no import (floor)", floor_figures),
        ("during the import", figures(during.between(imported["started"], imported["ended"]))),
        ("while it writes", figures(writing)),
    ]
    for label, (n, p50, p95, longest) in rows:
        print(f"{label:<26}{n:>7}{p50 * 1000:>10.1f}{p95 * 1000:>10.1f}{longest * 1000:>10.1f}")
    for label, (_n, p50, p95, _longest) in rows[1:]:
        print(
            f"{label}: p50 x{p50 / floor_figures[1]:.1f}, p95 x{p95 / floor_figures[2]:.1f} "
            "the floor"
        )
    failed = [s for s in floor.samples + during.samples if not 200 <= s[2] < 300]
    print(f"failed saves: {len(failed)}; errors: {len(floor.errors) + len(during.errors)}")
    for message in (floor.errors + during.errors)[:10]:
        print(f"  {message}")
    return 1 if failed or imported["exit_code"] != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
