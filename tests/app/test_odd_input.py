"""Odd query strings cost a refusal or are ignored, never a 500: every GET route of the URL
map is sent each of them, signed in as a lead with real ids of their own school."""

from urllib.parse import quote

from app.models import Role
from tests.app.test_every_id_route import NOT_IDS, _url, _world
from tests.factories import PASSWORD, make_user

ODD_VALUES = [
    "\r\nSet-Cookie: stolen=1",
    "%00",
    "\x00",
    "'; DROP TABLE students; --",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "ÿþ\ufffd",
    "<script>alert(1)</script>",
    "x" * 5000,
]
KEYS = [
    "page", "q", "group", "year", "target", "kind", "qualification", "tier", "date", "term",
    "code", "sensitive", "next", "school", "cohort", "pp", "include_left", "status",
]  # fmt: skip
SKIP = {"auth.logout", "static"}


def _queries() -> list[str]:
    queries = ["&".join(f"{k}={quote(v, safe='')}" for k in KEYS) for v in ODD_VALUES]
    queries += ["page=1&page=2&page=x", "%ff%fe=%ff", "a" * 3000, "=&&==&", "q[]=1&q[x]=2"]
    return queries


def test_odd_query_strings_never_give_a_500(app, client, auth):
    own = _world("Home School")
    auth.login(own["lead"])
    walked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP or rule.endpoint.endswith(".static"):
            continue
        if rule.arguments - NOT_IDS - set(own):
            continue
        path = _url(rule, own) if rule.arguments else rule.rule
        for query in _queries():
            response = client.get(f"{path}?{query}")
            assert response.status_code < 500, (path, query[:60], response.status_code)
            assert b"Traceback" not in response.data
        walked += 1
    assert walked >= 30
    assert client.get("/students/").status_code == 200  # still signed in: nothing broke


def test_a_next_with_control_characters_is_ignored(app, client):
    lead = make_user(Role.LEAD)
    from app.extensions import db

    db.session.commit()
    for target in ["/\r\nSet-Cookie: stolen=1", "/students/\x00", "/\\example.org", "//evil"]:
        response = client.post(
            f"/login?next={quote(target, safe='')}",
            data={"email": lead.email, "password": PASSWORD},
        )
        assert response.status_code == 303, target
        assert response.headers["Location"] == "/"
        assert "stolen" not in response.headers.get("Set-Cookie", "")
        client.post("/logout")


def test_an_id_too_large_for_the_database_is_a_404(app, client, auth):
    auth.login(make_user(Role.LEAD))
    for path in ["/students/99999999999999999999", "/groups/2147483648", "/surveys/1e9"]:
        assert client.get(path).status_code == 404, path
