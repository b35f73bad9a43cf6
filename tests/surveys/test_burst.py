"""A class of 60 students answering at once against a real server process on 127.0.0.1:
every answer is stored exactly once with the last value chosen, and everyone is submitted.
The simulated browsers and the gunicorn start-up are shared with bench/survey_burst.py."""

import time

import pytest

from app.extensions import db
from tests import bench_modules

STUDENTS = 60

burst = bench_modules.load("survey_burst")


@pytest.fixture
def seeded(app):
    return burst.seed_class(STUDENTS, "self_efficacy")


@pytest.fixture
def server(app, seeded, _schema):
    db.session.remove()
    process, port = burst.start_gunicorn(_schema, workers=2, threads=4)
    yield port
    burst.stop(process)


def test_sixty_students_at_once_lose_nothing(server, seeded):
    plans = burst.make_plans(seeded["codes"], seeded["items"], seeded["options"])
    assert sum(p.double_submit for p in plans) == 20 and sum(p.retry_save for p in plans) == 9
    started = time.monotonic()
    timings, _seconds = burst.run_class(server, seeded["class_code"], plans)
    assert timings.errors == []
    saves = len(timings.by_kind["save"])
    assert saves == STUDENTS * len(seeded["items"]) + 12 + 9  # mind changes and retries
    assert len(timings.by_kind["submit"]) == STUDENTS + 20
    db.session.expire_all()
    problems = burst.stored_problems(seeded["session_id"], plans, seeded["student_ids"])
    assert problems == {"lost": 0, "extra": 0, "not_submitted": 0, "responses": STUDENTS}
    assert time.monotonic() - started < 60
