"""Benchmark figures (tracking/benchmarks): seeded by their migration with the national figures
the programme's published materials state, kept by admins (audited), read by evaluators, shown
beside an outcome with a warning where the definitions differ, and never used in a figure."""

import re
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Role
from tests.conftest import make_app
from tests.factories import make_school, make_student, make_user
from tracking import services as tracking
from tracking.benchmarks import services
from tracking.benchmarks.models import Benchmark

GOOD = {
    "measure": "gcse_7_9",
    "value": "21.5",
    "year": "2023",
    "geography": "England",
    "population": "All pupils at the end of key stage 4",
    "definition": "GCSE maths at grade 7 or above",
    "source": "Key stage 4 performance, 2023",
    "source_url": "https://explore-education-statistics.service.gov.uk/",
    "matches": "no",
    "difference": "Their cohort is national; ours is a school's cohort at the end of Year 11",
}


@pytest.fixture(autouse=True)
def _no_benchmarks(app):
    """Start from an empty list: the migration's seed is there only until the first test ends."""
    for benchmark in db.session.scalars(select(Benchmark)):
        db.session.delete(benchmark)
    db.session.commit()


def stored() -> list[Benchmark]:
    db.session.expire_all()
    return list(db.session.scalars(select(Benchmark).order_by(Benchmark.id)))


def audit_actions() -> list[str]:
    stmt = select(AuditEvent.action).where(AuditEvent.entity_type == "benchmarks")
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


def make_benchmark(**fields) -> Benchmark:
    data = {
        "measure": "gcse_7_9",
        "value": 20.0,
        "year": 2019,
        "geography": "England",
        "population": "All pupils",
        "definition": "Grade 7+",
        "source": "DfE",
        "matches_our_definition": True,
        "difference": None,
    }
    data.update(fields)
    benchmark = services.add(None, data)
    db.session.commit()
    return benchmark


def test_the_migration_seeds_the_three_national_figures_of_2019_with_their_sources(tmp_path):
    # A database of its own, built by the migrations: the suite's is emptied after each test.
    fresh = make_app("sqlite:///" + str(tmp_path / "fresh.sqlite"))
    with fresh.app_context():
        upgrade()
        try:
            _assert_the_seeded_figures()
        finally:
            db.session.remove()
            db.engine.dispose()


def _assert_the_seeded_figures():
    seeded = {(b.measure, b.value): b for b in stored()}
    assert set(seeded) == {("gcse_7_9", 20.0), (None, 70.0), ("level3_maths", 28.8)}
    for benchmark in seeded.values():
        assert (benchmark.year, benchmark.geography) == (2019, "England")
        assert "the programme's published materials" in benchmark.source
        assert benchmark.source_url is None  # no address that nobody checked
        assert benchmark.population and benchmark.definition
        assert not benchmark.matches_our_definition and benchmark.difference
    assert "grade 4 or above" in seeded[(None, 70.0)].definition
    assert "DfE's key stage 4 performance statistics" in seeded[("gcse_7_9", 20.0)].source
    assert "JCQ" in seeded[("level3_maths", 28.8)].source
    [gcse] = services.benchmarks_for("gcse_7_9")
    assert gcse.label == "20.0% (England, 2019)"
    assert "all pupils in England at the end of key stage 4" in gcse.warning
    assert "on roll at the end of Year 11" in gcse.warning
    [level3] = services.benchmarks_for("level3_maths")
    assert level3.population == "Post-16 students" and level3.warning
    assert services.benchmarks_by_measure()[None][0].value == 70.0


def test_an_admin_adds_edits_and_deletes_a_benchmark_each_change_audited(client, auth):
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    assert "No benchmarks yet." in client.get("/benchmarks/").get_data(as_text=True)

    added = client.post("/benchmarks/new", data=GOOD)
    assert added.status_code == 303
    [benchmark] = stored()
    assert (benchmark.measure, benchmark.value, benchmark.year) == ("gcse_7_9", 21.5, 2023)
    assert benchmark.created_by_id == admin.id and not benchmark.matches_our_definition
    page = client.get("/benchmarks/").get_data(as_text=True)
    assert "Added the benchmark 21.5% (England, 2023)" in page
    assert "GCSE Maths grade 7-9 (KS4 result)" in page  # the figure it sits beside, by name

    form = client.get(f"/benchmarks/edit?benchmark={benchmark.id}").get_data(as_text=True)
    assert 'value="21.5"' in form and 'value="2023"' in form
    edited = client.post(
        f"/benchmarks/edit?benchmark={benchmark.id}",
        data={**GOOD, "value": "22", "matches": "yes", "difference": ""},
    )
    assert edited.status_code == 303
    [benchmark] = stored()
    assert benchmark.value == 22.0 and benchmark.matches_our_definition
    assert benchmark.difference is None and benchmark.updated_by_id == admin.id
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "benchmark.edit")
    ).one()
    assert event.before["value"] == 21.5 and event.after["value"] == 22.0

    benchmark_id = benchmark.id
    deleted = client.post("/benchmarks/delete", data={"benchmark": benchmark_id})
    assert deleted.status_code == 303 and stored() == []
    assert "Deleted the benchmark 22.0% (England, 2023)" in client.get("/benchmarks/").get_data(
        as_text=True
    )
    assert audit_actions() == ["benchmark.add", "benchmark.edit", "benchmark.delete"]
    gone = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "benchmark.delete"))
    assert gone.one().before["source"] == GOOD["source"]  # the log keeps what it said
    assert client.get(f"/benchmarks/edit?benchmark={benchmark_id}").status_code == 404


def test_an_evaluator_reads_the_list_and_may_change_nothing(client, auth):
    benchmark = make_benchmark()
    auth.login(make_user(Role.EVALUATOR))
    page = client.get("/benchmarks/").get_data(as_text=True)
    assert "20.0%: Grade 7+ (England, 2019)" in page and ">Benchmarks</a>" in page
    assert "Add a benchmark" not in page and "Delete" not in page and "Edit" not in page
    assert client.get("/benchmarks/new").status_code == 403
    assert client.get(f"/benchmarks/edit?benchmark={benchmark.id}").status_code == 403
    for url, data in (
        ("/benchmarks/new", GOOD),
        (f"/benchmarks/edit?benchmark={benchmark.id}", {**GOOD, "value": "99"}),
        ("/benchmarks/delete", {"benchmark": benchmark.id}),
    ):
        assert client.post(url, data=data).status_code == 403, url
    assert [(b.value, b.year) for b in stored()] == [(20.0, 2019)]
    assert audit_actions() == ["benchmark.add"]  # only the test's own


@pytest.mark.parametrize("role", [Role.LEAD, Role.TEACHER], ids=str)
def test_leads_and_teachers_neither_see_nor_reach_the_benchmarks(client, auth, role):
    benchmark = make_benchmark()
    auth.login(make_user(role))
    roster = client.get("/students/").get_data(as_text=True)
    assert ">Students</a>" in roster and ">Benchmarks</a>" not in roster
    for url in ("/benchmarks/", "/benchmarks/new", f"/benchmarks/edit?benchmark={benchmark.id}"):
        assert client.get(url).status_code == 403, url
    assert client.post("/benchmarks/delete", data={"benchmark": benchmark.id}).status_code == 403
    assert len(stored()) == 1


def test_the_navigation_offers_benchmarks_to_admins(client, auth):
    auth.login(make_user(Role.ADMIN))
    page = client.get("/students/").get_data(as_text=True)
    assert '<a href="/benchmarks/">Benchmarks</a>' in page


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("value", "101", "it must be from 0 to 100, not 101"),
        ("value", "-3", "it must be from 0 to 100, not -3"),
        ("value", "28.83", "one decimal place at most"),
        ("value", "about a fifth", "Enter the value as a percentage"),
        ("value", "", "Enter the value as a percentage"),
        ("year", "19", "Enter the year as four digits"),
        ("year", "twenty", "Enter the year as four digits"),
        ("year", "1850", "Enter a year from 1900 to"),
        ("year", str(date.today().year + 1), "Enter a year from 1900 to"),
        ("measure", "gcse_4_9", "Unknown measure"),
        ("matches", "", "Say whether their definition matches ours"),
        ("matches", "maybe", "Say whether their definition matches ours"),
        ("difference", "  ", "Say how their definition differs from ours"),
        ("geography", "", "Enter the geography"),
        ("source", "", "Name the publication"),
        ("source_url", "javascript:alert(1)", "Enter a full web address starting with https://"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(client, auth, field, typed, message):
    auth.login(make_user(Role.ADMIN))
    response = client.post("/benchmarks/new", data={**GOOD, field: typed})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Please correct the following" in page
    if field != "matches":  # a radio choice is marked on its fieldset instead
        assert 'aria-invalid="true"' in page
    assert stored() == [] and audit_actions() == []


def test_a_bad_edit_changes_nothing(client, auth):
    benchmark = make_benchmark()
    auth.login(make_user(Role.ADMIN))
    response = client.post(
        f"/benchmarks/edit?benchmark={benchmark.id}", data={**GOOD, "value": "250"}
    )
    assert response.status_code == 422
    assert "from 0 to 100" in response.get_data(as_text=True)
    assert [(b.value, b.year) for b in stored()] == [(20.0, 2019)]
    assert audit_actions() == ["benchmark.add"]


def test_the_service_refuses_a_measure_that_is_none_of_ours():
    with pytest.raises(services.BenchmarkError, match="Unknown measure 'gcse_4_9'"):
        make_benchmark(measure="gcse_4_9")
    with pytest.raises(services.BenchmarkError, match="Say how"):
        make_benchmark(matches_our_definition=False, difference="")


def test_what_a_person_typed_is_escaped(client, auth):
    auth.login(make_user(Role.ADMIN))
    script = "<script>alert(1)</script>"
    client.post(
        "/benchmarks/new",
        data={**GOOD, "geography": "Eng<b>land", "population": script, "difference": script},
    )
    page = client.get("/benchmarks/").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Eng&lt;b&gt;land" in page
    assert script not in page and "Eng<b>land" not in page
    [benchmark] = stored()
    form = client.get(f"/benchmarks/edit?benchmark={benchmark.id}").get_data(as_text=True)
    assert script not in form and "&lt;script&gt;" in form


@pytest.fixture
def csrf_client(app):
    """A client of an app that checks CSRF tokens, on the test's database."""
    checked = make_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    with checked.app_context():
        yield checked.test_client()
        db.session.remove()


def test_every_benchmark_form_needs_its_csrf_token(csrf_client):
    admin = make_user(Role.ADMIN)
    benchmark = make_benchmark()
    token_of = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    login = csrf_client.get("/login").get_data(as_text=True)
    csrf_client.post(
        "/login",
        data={"email": admin.email, "password": "correct horse battery staple",
              "csrf_token": token_of.search(login).group(1)},
    )  # fmt: skip
    for url, data in (
        ("/benchmarks/new", GOOD),
        (f"/benchmarks/edit?benchmark={benchmark.id}", {**GOOD, "value": "99"}),
        ("/benchmarks/delete", {"benchmark": benchmark.id}),
    ):
        assert csrf_client.post(url, data=data).status_code == 400, url
    assert [(b.value, b.year) for b in stored()] == [(20.0, 2019)]
    form = csrf_client.get("/benchmarks/new").get_data(as_text=True)
    added = csrf_client.post(
        "/benchmarks/new", data={**GOOD, "csrf_token": token_of.search(form).group(1)}
    )
    assert added.status_code == 303
    assert len(stored()) == 2


def test_benchmarks_for_a_figure_warn_when_the_definitions_differ(count_queries):
    same = make_benchmark(value=19.5, year=2018, matches_our_definition=True)
    other = make_benchmark(
        value=20.0, matches_our_definition=False, difference="Theirs counts every pupil."
    )
    make_benchmark(measure="level3_maths", value=28.8)
    make_benchmark(measure=None, value=70.0, matches_our_definition=False, difference="Grade 4+")
    found = services.benchmarks_for("gcse_7_9")
    assert [b.id for b in found] == [other.id, same.id]  # newest year first
    assert found[0].warning == "Not the same definition as ours: Theirs counts every pupil."
    assert found[1].warning is None
    assert (found[1].value, found[1].year, found[1].geography) == (19.5, 2018, "England")
    with pytest.raises(KeyError):
        services.benchmarks_for("gcse_4_9")
    with count_queries() as queries:
        by_measure = services.benchmarks_by_measure()
    assert len(queries) == 1
    assert {m: [b.value for b in views] for m, views in by_measure.items()} == {
        "gcse_7_9": [20.0, 19.5],
        "level3_maths": [28.8],
        None: [70.0],
    }


def test_benchmarks_never_change_the_outcomes():
    from tracking.cli import outcomes_for

    school = make_school(urn="333333")
    for grade in ("8", "5", "7"):
        student = make_student(school, entry_year=2015)
        tracking.record_grade(None, student, "gcse_maths", "final", grade, "higher",
                              date(2020, 8, 20))  # fmt: skip
    db.session.commit()
    without = outcomes_for(urn="333333", today=date(2026, 1, 1))
    assert without["gcse_7_to_9"]["numerator"] == 2
    for measure in ("gcse_7_9", "level3_maths", "a_level_maths", "maths_degree", None):
        make_benchmark(measure=measure, value=99.9, matches_our_definition=False, difference="x")
    db.session.expire_all()
    assert outcomes_for(urn="333333", today=date(2026, 1, 1)) == without
