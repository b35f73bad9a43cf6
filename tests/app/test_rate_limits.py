"""Attempt limits (app.throttle) that hold across worker processes and restarts, and that
cannot be turned against the people they protect: wrong passwords slow an account down (a
growing delay), never lock it; one address's failures never stop anyone elsewhere."""

import threading

import pytest
from sqlalchemy import func, select

from app import tasks, throttle
from app.auth import services as sign_in
from app.extensions import db
from app.models import Role
from tests import bench_modules
from tests.conftest import make_app
from tests.factories import PASSWORD, make_user
from tests.test_tasks import redis_url  # noqa: F401  (the Redis fixture)

HOME = {"REMOTE_ADDR": "203.0.113.5"}
ATTACKER = {"REMOTE_ADDR": "198.51.100.66"}


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand: `clock.now += 30`."""

    class Clock:
        now = 2_000_000_000.0

    fake = Clock()
    monkeypatch.setattr(throttle, "clock", lambda: fake.now)
    return fake


def _sign_in(client, email, password, environ=HOME):
    return client.post("/login", data={"email": email, "password": password}, environ_base=environ)


def test_wrong_passwords_slow_an_account_down_but_never_lock_it(client, clock):
    teacher = make_user(Role.TEACHER)
    db.session.commit()
    for _ in range(sign_in.ACCOUNT_FREE):
        assert _sign_in(client, teacher.email, "guess", ATTACKER).status_code == 200
    # each further try waits 1, 2, 4 ... 60 seconds after the last failure
    waits = []
    for _ in range(9):
        refused = _sign_in(client, teacher.email, "guess", ATTACKER)
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        unit = "second" if wait == 1 else "seconds"
        assert f"Wait {wait} {unit} before trying again." in refused.get_data(as_text=True)
        waits.append(wait)
        clock.now += wait
        assert _sign_in(client, teacher.email, "guess", ATTACKER).status_code == 200
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    # the teacher, elsewhere, is slowed too, but never locked out: after the wait, they are in
    too_soon = _sign_in(client, teacher.email, PASSWORD)
    assert too_soon.status_code == 429
    clock.now += int(too_soon.headers["Retry-After"])
    assert _sign_in(client, teacher.email, PASSWORD).status_code == 303


def test_an_attacker_cannot_slow_the_owner_on_a_browser_they_signed_in_on(app, client, clock):
    teacher = make_user(Role.TEACHER)
    other = make_user(Role.TEACHER)
    db.session.commit()
    assert _sign_in(client, teacher.email, PASSWORD).status_code == 303  # their own browser
    assert sign_in.DEVICE_COOKIE in client.get_cookie(sign_in.DEVICE_COOKIE).key
    client.post("/logout")

    attacker = app.test_client()
    for _ in range(sign_in.ACCOUNT_FREE + 3):
        _sign_in(attacker, teacher.email, "guess", ATTACKER)
    assert _sign_in(attacker, teacher.email, PASSWORD, ATTACKER).status_code == 429
    # a new browser of the teacher's is slowed like the attacker's...
    assert _sign_in(app.test_client(), teacher.email, PASSWORD).status_code == 429
    # ...but the browser they signed in on before goes straight in
    assert _sign_in(client, teacher.email, PASSWORD).status_code == 303
    client.post("/logout")

    # the cookie is the teacher's own: it does nothing for another account, nor forged
    for _ in range(sign_in.ACCOUNT_FREE + 1):
        _sign_in(attacker, other.email, "guess", ATTACKER)
    assert _sign_in(client, other.email, PASSWORD).status_code == 429
    forged = app.test_client()
    forged.set_cookie(sign_in.DEVICE_COOKIE, "eyJhIjoiMSJ9.forged.signature")
    assert _sign_in(forged, teacher.email, PASSWORD).status_code == 429

    # wrong passwords from the known browser are still slowed, on their own count
    for _ in range(sign_in.ACCOUNT_FREE):
        assert _sign_in(client, teacher.email, "typo").status_code == 200
    assert _sign_in(client, teacher.email, PASSWORD).status_code == 429


def test_a_spraying_address_never_stops_a_teacher_elsewhere(app, client, clock):
    teacher = make_user(Role.TEACHER)
    db.session.commit()
    for n in range(sign_in.ADDRESS_FREE):
        sprayed = _sign_in(client, f"guess{n}@example.org", "Summer2026!", ATTACKER)
        assert sprayed.status_code == 200
    assert _sign_in(client, "guess99@example.org", "Summer2026!", ATTACKER).status_code == 429
    # a teacher who was never attacked signs in at once from their own address
    assert _sign_in(app.test_client(), teacher.email, PASSWORD).status_code == 303


def test_a_right_password_gives_back_its_attempt(app, client, clock):
    teacher = make_user(Role.TEACHER)
    db.session.commit()
    for _ in range(sign_in.ACCOUNT_FREE - 1):
        assert _sign_in(client, teacher.email, "typo").status_code == 200
    for _ in range(3):  # signing in again and again is never slowed
        assert _sign_in(client, teacher.email, PASSWORD).status_code == 303
        client.post("/logout")
    elsewhere = app.test_client()  # a browser the account never signed in on
    assert _sign_in(elsewhere, teacher.email, "typo").status_code == 200
    assert _sign_in(elsewhere, teacher.email, "typo").status_code == 429


def test_expired_counters_are_purged(app, client, clock):
    _sign_in(client, "someone@example.org", "guess")
    rows = select(func.count()).select_from(throttle.RateLimit)
    assert db.session.scalar(rows) == 2  # the account and the address
    assert tasks.purge_rate_limits() == 0  # still counting
    clock.now += sign_in.FORGET_AFTER + 1
    assert tasks.purge_rate_limits() == 2
    assert db.session.scalar(rows) == 0


def test_with_redis_the_counts_live_in_redis(app, redis_url, clock):  # noqa: F811
    redis_app = make_app(app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=redis_url)
    with redis_app.app_context():
        throttle.clear_all()
        teacher = make_user(Role.TEACHER)
        db.session.commit()
        client = redis_app.test_client()
        for _ in range(sign_in.ACCOUNT_FREE):
            assert _sign_in(client, teacher.email, "guess").status_code == 200
        assert _sign_in(client, teacher.email, PASSWORD).status_code == 429
        assert db.session.scalar(select(func.count()).select_from(throttle.RateLimit)) == 0
        clock.now += 1
        assert _sign_in(client, teacher.email, PASSWORD).status_code == 303
        throttle.clear_all()
        db.session.remove()


# ---- a real server: two worker processes, and a restart -------------------------------------


burst = bench_modules.load("survey_burst")
PORT = burst.free_port()  # one port for this run, reused by the restarted server


WRONG = "That email and password do not match an active account."


def _browser():
    """A browser with its cookie and the login form's CSRF token."""
    browser = burst.Browser(PORT, burst.Timings())
    _status, page, _ = browser.request("page", "GET", "/login")
    browser.token = burst.TOKEN_IN_FORM.search(page).group(1)
    return browser


def _post_login(browser, email: str, password: str) -> str:
    """ "wrong", "wait" or "in": what the server answered."""
    data = {"email": email, "password": password, "csrf_token": browser.token}
    status, page, _ = browser.request("login", "POST", "/login", data)
    if status == 429:
        return "wait"
    if status == 303:
        return "in"
    assert status == 200 and WRONG in page, (status, page[:500])
    return "wrong"


def _burst(email: str, password: str, n: int) -> list[str]:
    """`n` sign-ins at the same moment, spread over the workers."""
    browsers = [_browser() for _ in range(n)]
    outcomes: list[str] = []
    start = threading.Barrier(n)

    def one(browser):
        start.wait()
        outcomes.append(_post_login(browser, email, password))

    threads = [threading.Thread(target=one, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture(params=["database", "redis"])
def backend(request, app, _schema, monkeypatch):
    """REDIS_URL for the server, or none (the counters are in the test database)."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        monkeypatch.setenv("REDIS_URL", url)
        app.config["REDIS_URL"] = url
        throttle.clear_all()
    else:
        monkeypatch.delenv("REDIS_URL", raising=False)
    yield request.param
    throttle.clear_all()
    app.config["REDIS_URL"] = None


def test_two_workers_share_the_count_and_a_restart_keeps_it(backend, _schema):
    teacher = make_user(Role.TEACHER)
    email = teacher.email
    db.session.commit()
    db.session.remove()
    server, _ = burst.start_gunicorn(_schema, workers=2, threads=8, port=PORT)
    try:
        # 20 wrong passwords at once over two workers: exactly the free five are tried
        outcomes = _burst(email, "guess", 20)
        assert outcomes.count("wrong") == sign_in.ACCOUNT_FREE
        assert outcomes.count("wait") == 20 - sign_in.ACCOUNT_FREE
    finally:
        burst.stop(server)
    server, _ = burst.start_gunicorn(_schema, workers=2, threads=8, port=PORT)
    try:
        # The restarted server still knows: one more try once the wait is over, then wait
        # again (a count lost in the restart would allow five more).
        browser = _browser()
        assert _post_login(browser, email, "guess") in ("wrong", "wait")
        assert _post_login(browser, email, "guess") == "wait"
        assert _post_login(browser, email, PASSWORD) == "wait"
    finally:
        burst.stop(server)
