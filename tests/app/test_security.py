"""School-by-school isolation, CSRF, headers, cookies and sessions."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from flask import current_app

from app import create_app
from app.config import ConfigError
from app.extensions import db
from app.models import Role
from app.permissions import allows, endpoint_action
from tests.conftest import make_app
from tests.factories import PASSWORD, make_group, make_school, make_student, make_user


@pytest.fixture
def two_schools():
    home, away = make_school("Home School"), make_school("Away School")
    away_student = make_student(away, first_name="Secretive", last_name="Awaychild")
    return {
        "home": home,
        "away": away,
        "home_student": make_student(home, first_name="Homely", last_name="Homechild"),
        "away_student": away_student,
        "away_group": make_group(away, name="Away set", students=[away_student]),
        "away_teacher": make_user(Role.TEACHER, away, name="Awayteacher Person"),
    }


def may_use(role: Role, method: str, url: str) -> bool:
    endpoint, _ = current_app.url_map.bind("localhost").match(url, method=method)
    return allows(role, endpoint_action(endpoint))


def _routes(objs):
    s, g, u = objs["away_student"].id, objs["away_group"].id, objs["away_teacher"].id
    own = objs["home_student"].id
    return [
        ("GET", f"/students/{s}", {}),
        ("GET", f"/students/{s}/edit", {}),
        ("POST", f"/students/{s}/edit", {"first_name": "Hacked"}),
        ("POST", f"/students/{s}/target", {"is_target": "1"}),
        ("GET", f"/groups/{g}", {}),
        ("POST", f"/groups/{g}/edit", {"name": "Hacked"}),
        ("POST", f"/groups/{g}/delete", {}),
        ("POST", f"/groups/{g}/members", {"student_id": str(own)}),
        ("POST", f"/groups/{g}/members/{s}/remove", {}),
        ("GET", f"/users/{u}", {}),
        ("POST", f"/users/{u}/deactivate", {}),
    ]


@pytest.mark.parametrize("role", [Role.LEAD, Role.TEACHER])
def test_another_schools_records_are_not_found(client, auth, two_schools, role):
    user = make_user(role, two_schools["home"])
    auth.login(user)
    for method, url, data in _routes(two_schools):
        response = client.open(url, method=method, data=data)
        # A route the role may not use at all is a 403 for every id, theirs or not.
        expected = {404} if may_use(role, method, url) else {403}
        assert response.status_code in expected, (role, method, url, response.status_code)
        assert "Awaychild" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert two_schools["away_student"].first_name == "Secretive"
    assert two_schools["away_teacher"].active
    assert [s.id for s in two_schools["away_group"].students] == [two_schools["away_student"].id]


def test_own_school_student_cannot_join_another_schools_group(client, auth, two_schools):
    lead = make_user(Role.LEAD, two_schools["home"])
    own_group = make_group(two_schools["home"], name="Home set")
    auth.login(lead)
    away_id = two_schools["away_student"].id
    response = client.post(f"/groups/{own_group.id}/members", data={"student_id": str(away_id)})
    assert response.status_code == 404
    db.session.expire_all()
    assert own_group.students == []


def test_crawl_as_a_lead_never_shows_another_schools_names(client, auth, two_schools):
    make_group(two_schools["home"], name="Home set", students=[two_schools["home_student"]])
    lead = make_user(Role.LEAD, two_schools["home"])
    auth.login(lead)
    seen, queue, pages = set(), ["/"], 0
    while queue and pages < 150:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow_redirects=True)
        pages += 1
        assert response.status_code < 500, url
        body = response.get_data(as_text=True)
        for secret in ("Awaychild", "Secretive", "Away School", "Away set", "Awayteacher"):
            assert secret not in body, (secret, url)
        for href in re.findall(r'href="([^"#]+)"', body):
            link = urljoin(url, href.replace("&amp;", "&"))
            if urlsplit(link).netloc or link.startswith("/static") or "logout" in link:
                continue
            queue.append(link)
    assert pages > 5, "the crawl should reach the roster, a student and the groups"
    assert any(u.startswith("/students/") and u[10:].isdigit() for u in seen)


@pytest.fixture
def csrf_app(_schema):
    app = make_app(_schema, WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


def test_every_post_needs_a_csrf_token(csrf_app, two_schools):
    lead = make_user(Role.LEAD, two_schools["home"])
    db.session.commit()
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert (
        client.post("/login", data={"email": lead.email, "password": PASSWORD}).status_code == 400
    )
    signed_in = client.post(
        "/login", data={"email": lead.email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 303, signed_in.get_data(as_text=True)
    post_rules = [r for r in csrf_app.url_map.iter_rules() if "POST" in r.methods]
    assert len(post_rules) >= 8
    for rule in post_rules:
        url = re.sub(r"<int:\w+>", "1", rule.rule)
        response = client.post(url, data={"name": "x"}, headers={"HX-Request": "true"})
        assert response.status_code == 400, url
    page = client.get("/groups/").get_data(as_text=True)
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    created = client.post(
        "/groups/", data={"name": "7Y1", "kind": "class"}, headers={"X-CSRFToken": header_token}
    )
    assert created.status_code == 303, created.get_data(as_text=True)


def test_security_headers_on_pages(client, auth):
    auth.login(make_user(Role.LEAD))
    response = client.get("/students/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    page = response.get_data(as_text=True)
    assert "<script>" not in page and " style=" not in page
    assert 'hx-history="false"' in page


def test_session_cookie_flags(client, app):
    user = make_user(Role.LEAD)
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure_client = app.test_client()
    response = secure_client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        base_url="https://localhost",
    )
    assert "Secure" in response.headers["Set-Cookie"]


def test_production_refuses_to_start_without_a_secret_key_of_its_own(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "short-and-guessable")
    with pytest.raises(ConfigError):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    assert create_app().config["SESSION_COOKIE_SECURE"] is True


def test_logout_really_ends_the_session(client, auth):
    user = make_user(Role.LEAD)
    auth.login(user)
    stolen = client.get_cookie("tracker_session").value
    auth.logout()
    client.set_cookie("tracker_session", stolen)
    response = client.get("/students/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sign_in_starts_a_new_session(client, auth):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login(make_user(Role.LEAD))
    with client.session_transaction() as session:
        assert "planted" not in session


def test_expired_login_tells_htmx_to_go_to_the_login_page(client):
    response = client.get("/students/?q=a", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_next_parameter_cannot_send_users_elsewhere(client):
    user = make_user(Role.LEAD)
    db.session.commit()
    response = client.post(
        "/login?next=//evil.example/x", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "path", ["/static/css/app.css", "/surveys/static/survey.js", "/results/static/grid.js"]
)
def test_static_files_of_the_shell_and_of_each_area_may_be_cached(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
