"""No signing key written anywhere in the repository can sign a session: started without
SECRET_KEY (the README's way), the app makes a random key of its own in the instance folder."""

import ast
import http.client
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db
from app.models import Role
from tests.factories import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]
# The development key the app once shipped with: it is in the repository's history for good.
OLD_DEVELOPMENT_KEY = "dev-only-secret-key-do-not-use-in-production"  # noqa: S105


def _keys_written_in_the_repository() -> set[str]:
    """Every string given to a name or key with SECRET in it, in every tracked Python file."""
    files = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    found = {OLD_DEVELOPMENT_KEY}
    for name in files:
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            pairs = []
            if isinstance(node, ast.Assign):
                pairs = [(t, node.value) for t in node.targets]
            elif isinstance(node, ast.Dict):
                pairs = list(zip(node.keys, node.values, strict=True))
            for target, value in pairs:
                label = getattr(target, "id", None) or getattr(target, "value", None)
                named = isinstance(label, str) and "SECRET" in label.upper()
                if named and isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.add(value.value)
    return found


def test_a_key_is_made_once_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite")
    first = create_app().config["SECRET_KEY"]
    key_file = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 64 and create_app().config["SECRET_KEY"] == first  # kept
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "elsewhere"))
    assert create_app().config["SECRET_KEY"] != first  # each installation its own
    assert first not in _keys_written_in_the_repository()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Cookie": f"tracker_session={cookie}"})
    status = conn.getresponse().status
    conn.close()
    return status


def _signed_in_cookie(uri: str, key: str, email: str) -> str:
    """Sign in on an app of the same database that signs with `key`, as an attacker who
    knows the key could forge any session; return the session cookie."""
    clone = create_app(
        {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": key, "WTF_CSRF_ENABLED": False}
    )
    client = clone.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code in (302, 303)
    return client.get_cookie("tracker_session").value


@pytest.mark.skipif(sys.platform != "linux", reason="starts gunicorn")
def test_a_cookie_signed_with_a_key_from_the_repository_is_refused(tmp_path, monkeypatch):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "APP_ENV")}
    uri = f"sqlite:///{tmp_path}/db.sqlite"
    env.update(INSTANCE_PATH=str(tmp_path / "instance"), DATABASE_URL=uri)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    admin_app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
    with admin_app.app_context():
        email = make_user(Role.ADMIN).email
        db.session.commit()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(port, "/healthz", "") == 200:
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        known = _keys_written_in_the_repository()
        assert "test-secret-key" in known and len(known) >= 2
        for key in sorted(known):
            cookie = _signed_in_cookie(uri, key, email)
            assert _get(port, "/students/", cookie) == 302, key  # back to the sign-in page
        # The same forgery with the server's own key would work: the test can tell.
        own = (tmp_path / "instance" / "secret_key").read_text().strip()
        assert _get(port, "/students/", _signed_in_cookie(uri, own, email)) == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
