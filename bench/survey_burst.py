"""A class of students saving answers at once, against gunicorn on 127.0.0.1.

    .venv/bin/python bench/survey_burst.py                  # temporary SQLite database
    DATABASE_URL=postgresql://... .venv/bin/python bench/survey_burst.py   # an EMPTY database
    .venv/bin/python bench/survey_burst.py --students 60 --workers 2 --threads 4

Each simulated student fetches the join page (cookie and CSRF token), joins with the class
code and their personal code, saves every answer one request at a time (some change their
mind, some retry a save), and submits (some twice, as a double click does). Between saves each
student also fetches /healthz, a trivial route, so both are timed under the same load.
Prints p50/p95 of joins, saves, submits and the trivial route, the errors, the answers lost
(must be 0) and the ratio p95(save) / p95(trivial route). Target: ratio <= 3, 0 errors, 0 lost.

The functions here are shared with tests/surveys/test_burst.py.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
TOKEN_IN_FORM = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TOKEN_IN_HEADERS = re.compile(r'"X-CSRFToken": "([^"]+)"')
COOKIE = re.compile(r"tracker_session=([^;]*)")


class BurstError(Exception):
    """A request in the burst got an answer it should not have."""


@dataclass
class Timings:
    """Request durations (seconds) by kind, and the problems seen, shared by all threads."""

    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.by_kind[kind].append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


class Browser:
    """A minimal browser: one cookie, a fresh connection per request, only 127.0.0.1."""

    def __init__(self, port: int, timings: Timings, timeout: float = 30) -> None:
        self.port = port
        self.timings = timings
        self.timeout = timeout
        self.cookie = ""

    def request(
        self, kind: str, method: str, path: str, data: dict | None = None, headers=None
    ) -> tuple[int, str, dict]:
        body = urlencode(data) if data is not None else None
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookie:
            sent["Cookie"] = f"tracker_session={self.cookie}"
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        self.timings.add(kind, time.perf_counter() - started)
        set_cookie = response.getheader("Set-Cookie") or ""
        if match := COOKIE.search(set_cookie):
            self.cookie = match.group(1)
        return response.status, text, dict(response.getheaders())

    def expect(self, status: int, wanted: int, what: str) -> None:
        if status != wanted:
            raise BurstError(f"{what}: HTTP {status}, wanted {wanted}")


@dataclass
class Plan:
    """What one simulated student does, and the answers that must end up stored."""

    index: int
    personal_code: str
    answers: dict[str, int]
    change_mind: bool
    retry_save: bool
    double_submit: bool


def make_plans(codes: list[str], items: list[str], options: list[int]) -> list[Plan]:
    """One plan per personal code: deterministic answers; every 5th changes their mind on the
    first item, every 7th retries a save, every 3rd submits twice."""
    plans = []
    for i, code in enumerate(codes):
        answers = {item: options[(i + j) % len(options)] for j, item in enumerate(items)}
        plans.append(Plan(i, code, answers, i % 5 == 0, i % 7 == 0, i % 3 == 0))
    return plans


def take_survey(
    port: int, class_code: str, plan: Plan, timings: Timings, probe_trivial: bool = False
) -> None:
    """Join, save every answer one by one, then submit, as a browser with htmx does."""
    browser = Browser(port, timings)
    status, page, _ = browser.request("page", "GET", "/join")
    browser.expect(status, 200, "join page")
    token = TOKEN_IN_FORM.search(page).group(1)
    codes = {"csrf_token": token, "class_code": class_code, "personal_code": plan.personal_code}
    status, _, _ = browser.request("join", "POST", "/join", codes)
    browser.expect(status, 303, f"join of student {plan.index}")
    status, page, _ = browser.request("page", "GET", "/join/survey")
    browser.expect(status, 200, "survey page")
    header_token = TOKEN_IN_HEADERS.search(page).group(1)
    htmx = {"HX-Request": "true", "X-CSRFToken": header_token}
    items = list(plan.answers)
    for n, (item_id, value) in enumerate(plan.answers.items()):
        sends = [value]
        if plan.change_mind and n == 0:
            sends = [1 + value % 4, value]
        if plan.retry_save and n == len(items) - 1:
            sends = [value, value]
        for sent in sends:
            status, fragment, _ = browser.request(
                "save", "POST", "/join/answer", {"item": item_id, item_id: str(sent)}, htmx
            )
            browser.expect(status, 200, f"save {item_id} of student {plan.index}")
            if "Saved" not in fragment:
                raise BurstError(f"save {item_id} of student {plan.index}: no Saved state")
        if probe_trivial:
            status, _, _ = browser.request("trivial", "GET", "/healthz")
            browser.expect(status, 200, "healthz")
    form = {"csrf_token": header_token, **{k: str(v) for k, v in plan.answers.items()}}
    if plan.double_submit:
        # A double click: two posts with the same cookie, at the same moment.
        twin = Browser(port, timings)
        twin.cookie = browser.cookie
        outcome: list[int] = []
        thread = threading.Thread(
            target=lambda: outcome.append(twin.request("submit", "POST", "/join/submit", form)[0])
        )
        thread.start()
        status, _, _ = browser.request("submit", "POST", "/join/submit", form)
        thread.join()
        browser.expect(outcome[0] if outcome else 0, 303, f"second submit of {plan.index}")
    else:
        status, _, _ = browser.request("submit", "POST", "/join/submit", form)
    browser.expect(status, 303, f"submit of student {plan.index}")


def run_class(
    port: int, class_code: str, plans: list[Plan], probe_trivial: bool = False
) -> tuple[Timings, float]:
    """Run every plan in its own thread, all starting together; return timings and seconds."""
    timings = Timings()
    start = threading.Barrier(len(plans))

    def student(plan: Plan) -> None:
        start.wait()
        try:
            take_survey(port, class_code, plan, timings, probe_trivial)
        except Exception as error:  # noqa: BLE001 - every failure is counted and reported
            timings.error(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=student, args=(p,)) for p in plans]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return timings, time.perf_counter() - began


def stored_problems(session_id: int, plans: list[Plan], student_ids: dict[str, int]) -> dict:
    """Compare what the database holds with the plans (needs an app context).

    Returns counts: lost (an answer missing or with a value other than the last one sent),
    extra (answer rows beyond one per item), not_submitted, responses.
    """
    from sqlalchemy import select

    from app.extensions import db
    from surveys.models import SurveyAnswer, SurveyResponse

    rows = db.session.execute(
        select(SurveyResponse.student_id, SurveyResponse.submitted_at, SurveyAnswer.item_id)
        .add_columns(SurveyAnswer.value)
        .outerjoin(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(SurveyResponse.session_id == session_id)
    ).all()
    stored: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    submitted: dict[int, bool] = {}
    for student_id, submitted_at, item_id, value in rows:
        submitted[student_id] = submitted_at is not None
        if item_id is not None:
            stored[student_id][item_id].append(value)
    lost = extra = 0
    for plan in plans:
        mine = stored.get(student_ids[plan.personal_code], {})
        for item_id, value in plan.answers.items():
            values = mine.get(item_id, [])
            # missing, or not the last value the student chose
            lost += value not in values or values[-1] != value
            extra += max(len(values) - 1, 0)
    not_submitted = sum(1 for p in plans if not submitted.get(student_ids[p.personal_code]))
    return {
        "lost": lost,
        "extra": extra,
        "not_submitted": not_submitted,
        "responses": len(submitted),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    database_url: str, workers: int = 2, threads: int = 4, port: int | None = None
) -> tuple[subprocess.Popen, int]:
    """Start gunicorn serving wsgi:app on 127.0.0.1; return the process once it answers.
    A port already taken is refused at once: the readiness check would find another server."""
    port = port or free_port()
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as error:
            raise RuntimeError(f"port {port} is in use: {error}") from error
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "burst-secret-key-" + "x" * 32,
        "APP_ENV": "development",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
         "--log-level", "warning", "--graceful-timeout", "3", "wsgi:app"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return process, port
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise RuntimeError("gunicorn did not start within 30 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) by the nearest-rank method."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def seed_class(n_students: int, instrument_key: str) -> dict:
    """Add a school, a group of students and an open session (needs an app context)."""
    from app.extensions import db
    from app.models import Group, School, Student
    from app.students.services import unused_survey_code
    from app.upn import make_upn
    from surveys import services

    school = School(urn="199999", name="Burst School")
    db.session.add(school)
    db.session.flush()
    students = [
        Student(
            school_id=school.id,
            upn=make_upn(f"{990000000000 + i:012d}"),
            first_name=f"Student{i}",
            last_name="Burst",
            entry_year=2024,
            survey_code=unused_survey_code(),
        )
        for i in range(n_students)
    ]
    db.session.add_all(students)
    group = Group(school_id=school.id, name="Burst set", students=students)
    db.session.add(group)
    db.session.flush()
    instrument = services.current_instruments()[instrument_key]
    survey = services.open_session(None, group, instrument)
    db.session.commit()
    return {
        "session_id": survey.id,
        "class_code": survey.class_code,
        "codes": [s.survey_code for s in students],
        "student_ids": {s.survey_code: s.id for s in students},
        "items": [item.id for item in instrument.items],
        "options": [option.value for option in instrument.options],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--instrument", default="self_efficacy")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from app import create_app
    from app.config import database_url
    from app.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        raw = os.environ.get("DATABASE_URL") or "sqlite:///" + str(Path(folder) / "burst.sqlite")
        url = database_url(raw, folder)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            seeded = seed_class(args.students, args.instrument)
            db.session.remove()
            db.engine.dispose()
            process, port = start_gunicorn(url, args.workers, args.threads)
            try:
                plans = make_plans(seeded["codes"], seeded["items"], seeded["options"])
                timings, seconds = run_class(port, seeded["class_code"], plans, probe_trivial=True)
            finally:
                stop(process)
            problems = stored_problems(seeded["session_id"], plans, seeded["student_ids"])
            db.session.remove()
            db.engine.dispose()
    backend = url.split(":", 1)[0]
    print(f"Survey burst: {args.students} students x {len(seeded['items'])} answers, "
          f"gunicorn {args.workers} workers x {args.threads} threads, {backend}, "
          f"{seconds:.1f} s")  # fmt: skip
    print(f"{'request':<10}{'n':>7}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for kind in ("join", "save", "submit", "trivial"):
        values = timings.by_kind.get(kind, [])
        if values:
            print(
                f"{kind:<10}{len(values):>7}{percentile(values, 50) * 1000:>10.1f}"
                f"{percentile(values, 95) * 1000:>10.1f}{max(values) * 1000:>10.1f}"
            )
    save_p95 = percentile(timings.by_kind.get("save", []), 95)
    trivial_p95 = percentile(timings.by_kind.get("trivial", []), 95)
    ratio = save_p95 / trivial_p95 if trivial_p95 else float("nan")
    print(f"errors: {len(timings.errors)}")
    for message in timings.errors[:10]:
        print(f"  {message}")
    print(
        f"lost answers: {problems['lost']}  extra rows: {problems['extra']}  "
        f"not submitted: {problems['not_submitted']}"
    )
    print(f"p95 save / p95 trivial route: {ratio:.2f} (target <= 3)")
    if timings.errors or problems["lost"] or problems["extra"] or problems["not_submitted"]:
        return 1
    return 0 if ratio <= 3 else 2


if __name__ == "__main__":
    sys.exit(main())
