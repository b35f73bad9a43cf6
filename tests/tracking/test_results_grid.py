"""The results-day grid: choosing a grid, saving cells with htmx, the no-JavaScript form."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Role
from tests.factories import make_group, make_school, make_student, make_user
from tracking import services
from tracking.grades import GradeEntry
from tracking.models import GradeRecord
from tracking.results import grid
from tracking.results.services import GridCell

HTMX = {"HX-Request": "true"}
DAY = date(2026, 8, 20)
FINAL_HIGHER = {
    "qualification": "gcse_maths",
    "kind": "final",
    "tier": "higher",
    "date": DAY.isoformat(),
    "term": "",
}


@pytest.fixture
def grid_school(app):
    """(school, lead, group, students): a lead's school with a group of three students."""
    school = make_school()
    lead = make_user(Role.LEAD, school)
    students = [
        make_student(school, year_group=11, first_name=first, last_name=last)
        for first, last in (("Ada", "Adams"), ("Ben", "Brown"), ("Cat", "Cole"))
    ]
    group = make_group(school, name="11X1", students=students)
    db.session.commit()
    return school, lead, group, students


def grades_of(student) -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        select(
            GradeRecord.qualification,
            GradeRecord.kind,
            GradeRecord.grade,
            GradeRecord.tier,
            GradeRecord.recorded_on,
            GradeRecord.source,
        )
        .where(GradeRecord.student_id == student.id)
        .order_by(GradeRecord.id)
    ).all()


def cell_post(client, student, grade, **choice):
    data = {**FINAL_HIGHER, **choice, "student": str(student.id), f"grade-{student.id}": grade}
    return client.post("/results/cell", data=data, headers=HTMX)


# Pure logic --------------------------------------------------------------------------------


def test_parse_choice_accepts_a_full_choice_and_defaults_the_date():
    choice, errors = grid.parse_choice(FINAL_HIGHER, date(2026, 9, 1))
    assert errors == {}
    assert choice == grid.GridChoice("gcse_maths", "final", "higher", DAY, None)
    choice, _ = grid.parse_choice({"qualification": "as_maths", "kind": "target"}, DAY)
    assert choice.recorded_on == DAY and choice.tier is None
    assert choice.label == "AS Maths, Target, 20/08/2026"


def test_parse_choice_reports_every_problem_by_field():
    _, errors = grid.parse_choice({"qualification": "x", "kind": "y", "date": "31/02/2026"}, DAY)
    assert set(errors) == {"qualification", "kind", "date"}
    _, errors = grid.parse_choice({"qualification": "gcse_maths", "kind": "mock", "tier": ""}, DAY)
    assert errors == {"tier": "Choose the tier (foundation or higher) for a mock GCSE Maths grade"}
    _, errors = grid.parse_choice({**FINAL_HIGHER, "term": "x" * 31}, DAY)
    assert "term" in errors


def test_the_choice_takes_iso_and_uk_dates_and_says_what_is_wrong_with_others():
    for text in ("2026-08-20", " 20/08/2026 ", "20.08.2026"):
        choice, errors = grid.parse_choice({**FINAL_HIGHER, "date": text}, DAY)
        assert (errors, choice.recorded_on) == ({}, DAY)
    for text, message in [
        ("", "Enter the date the grades are for"),
        ("31/02/2026", "31/02/2026 is not a real date"),
        ("46000", "Date must be dd/mm/yyyy or yyyy-mm-dd, not '46000'"),
        ("soon", "Date must be dd/mm/yyyy or yyyy-mm-dd, not 'soon'"),
    ]:
        assert grid.parse_choice({**FINAL_HIGHER, "date": text}, DAY) == (None, {"date": message})


def test_is_unchanged_needs_the_same_grade_tier_and_date():
    choice = grid.GridChoice("gcse_maths", "final", "higher", DAY)
    entry = GradeEntry("gcse_maths", "final", "7", "higher", DAY, 1)
    assert grid.is_unchanged(entry, "7", choice)
    assert not grid.is_unchanged(entry, "8", choice)
    assert not grid.is_unchanged(None, "7", choice)
    assert not grid.is_unchanged(
        entry, "7", grid.GridChoice("gcse_maths", "final", "higher", date(2026, 8, 21))
    )
    assert grid.normalise_typed(" a * ") == "A*"


# The grid page -----------------------------------------------------------------------------


def test_choose_page_lists_only_own_school_groups(client, auth, grid_school):
    _school, lead, group, _students = grid_school
    make_group(make_school(), name="Elsewhere 9Z")
    auth.login(lead)
    page = client.get("/results").get_data(as_text=True)
    assert "11X1" in page and "Elsewhere 9Z" not in page
    assert 'href="/results"' in page  # in the navigation


def test_grid_shows_each_student_with_the_current_grade(client, auth, grid_school):
    _school, lead, group, (ada, ben, cat) = grid_school
    services.record_grade(lead, ada, "gcse_maths", "final", "6", "higher", date(2026, 8, 1))
    services.record_grade(lead, ada, "gcse_maths", "final", "8", "higher", DAY)
    services.record_grade(lead, ben, "gcse_maths", "mock", "5", "higher", DAY)  # another kind
    db.session.commit()
    auth.login(lead)
    response = client.get("/results/grid", query_string={"group": group.id, **FINAL_HIGHER})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Results day: 11X1" in page
    assert "GCSE Maths, Final (higher tier), 20/08/2026" in page
    for student in (ada, ben, cat):
        assert student.upn in page
        label = f'<label class="visually-hidden" for="grade-{student.id}">'
        assert f"{label}Grade for {student.full_name}</label>" in page
    assert f'id="grade-{ada.id}" name="grade-{ada.id}" value="8"' in page
    assert f'id="grade-{ben.id}" name="grade-{ben.id}" value=""' in page
    assert page.index("Adams, Ada") < page.index("Brown, Ben") < page.index("Cole, Cat")
    assert "/results/static/grid.js" in page and "Save all grades" in page


def test_grid_with_a_bad_choice_shows_the_choose_page_with_errors(client, auth, grid_school):
    _school, lead, group, _students = grid_school
    auth.login(lead)
    response = client.get(
        "/results/grid",
        query_string={"group": group.id, "qualification": "gcse_maths", "kind": "mock"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose the tier (foundation or higher) for a mock GCSE Maths grade" in page
    assert 'aria-invalid="true"' in page


def test_a_date_that_does_not_exist_is_named_on_the_choose_page(client, auth, grid_school):
    _school, lead, group, _students = grid_school
    auth.login(lead)
    response = client.get(
        "/results/grid", query_string={**FINAL_HIGHER, "group": group.id, "date": "29/02/2026"}
    )
    assert response.status_code == 400
    assert (
        '<p class="field-error" id="choose-date-error">29/02/2026 is not a real date</p>'
        in response.get_data(as_text=True)
    )


def test_grid_loads_in_a_fixed_number_of_queries(client, auth, count_queries, grid_school):
    school, lead, small, students = grid_school
    big = make_group(school, name="11X2", students=[make_student(school) for _ in range(30)])
    for student in [*students, *big.students]:
        services.record_grade(None, student, "gcse_maths", "final", "7", "higher", DAY)
    db.session.commit()
    auth.login(lead)
    counts = []
    for group_id in (small.id, big.id):
        with count_queries() as queries:
            response = client.get("/results/grid", query_string={"group": group_id, **FINAL_HIGHER})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 5, counts  # user, group, students, grades, school in the header


# Saving a cell -----------------------------------------------------------------------------


def test_a_cell_is_saved_audited_and_says_saved(client, auth, grid_school):
    _school, lead, _group, (ada, _ben, _cat) = grid_school
    auth.login(lead)
    response = cell_post(client, ada, " 8 ")
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith(f'<td id="cell-{ada.id}"')
    assert "<html" not in fragment
    assert 'role="status">Saved</span>' in fragment
    assert 'value="8"' in fragment and "aria-invalid" not in fragment
    assert grades_of(ada) == [("gcse_maths", "final", "8", "higher", DAY, "entered")]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "grade_records.create"))
    assert event.actor_id == lead.id and event.after["grade"] == "8"


def test_a_bad_grade_shows_the_message_in_the_cell_and_stores_nothing(client, auth, grid_school):
    _school, lead, _group, (ada, _ben, _cat) = grid_school
    auth.login(lead)
    fragment = cell_post(client, ada, "2").get_data(as_text=True)
    message = "Grade 2 is not on the higher tier (9-4, 3 allowed, U)"
    assert f'aria-invalid="true" aria-describedby="cell-{ada.id}-state"' in fragment
    assert (
        f'id="cell-{ada.id}-state" class="cell-state cell-error" role="status">{message}</span>'
        in fragment
    )
    assert 'value="2"' in fragment  # what was typed stays, to be corrected
    assert grades_of(ada) == []
    fragment = cell_post(
        client, ada, "B", qualification="ks3_maths", kind="target", tier=""
    ).get_data(as_text=True)
    assert "B is not a KS3 maths grade (9-1, U)" in fragment
    assert grades_of(ada) == []


def test_the_same_value_twice_adds_one_row(client, auth, grid_school):
    _school, lead, _group, (ada, _ben, _cat) = grid_school
    auth.login(lead)
    assert "Saved" in cell_post(client, ada, "7").get_data(as_text=True)
    assert "Saved" in cell_post(client, ada, "7").get_data(as_text=True)
    assert len(grades_of(ada)) == 1
    cell_post(client, ada, "7", date="2026-08-21")  # another day is another record
    cell_post(client, ada, "9")
    assert [g[2] for g in grades_of(ada)] == ["7", "7", "9"]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 3


def test_an_empty_cell_changes_nothing(client, auth, grid_school):
    _school, lead, _group, (ada, _ben, _cat) = grid_school
    services.record_grade(lead, ada, "gcse_maths", "final", "6", "higher", DAY)
    db.session.commit()
    auth.login(lead)
    fragment = cell_post(client, ada, "  ").get_data(as_text=True)
    assert "Saved" not in fragment and "aria-invalid" not in fragment
    assert [g[2] for g in grades_of(ada)] == ["6"]


def test_cell_of_another_schools_student_is_404(client, auth, grid_school):
    _school, lead, _group, _students = grid_school
    stranger = make_student(make_school())
    db.session.commit()
    auth.login(lead)
    assert cell_post(client, stranger, "7").status_code == 404
    assert grades_of(stranger) == []


def test_grid_of_another_schools_group_is_404(client, auth, grid_school):
    _school, lead, _group, _students = grid_school
    other = make_group(make_school(), students=[])
    db.session.commit()
    auth.login(lead)
    query = {"group": other.id, **FINAL_HIGHER}
    assert client.get("/results/grid", query_string=query).status_code == 404
    assert client.post("/results/grid", data=query).status_code == 404


def test_cell_with_a_bad_choice_is_400(client, auth, grid_school):
    _school, lead, _group, (ada, _ben, _cat) = grid_school
    auth.login(lead)
    assert cell_post(client, ada, "7", kind="guess").status_code == 400
    assert client.post("/results/cell", data={**FINAL_HIGHER, "student": "x"}).status_code == 400


@pytest.mark.parametrize("role", [Role.TEACHER, Role.ADMIN])
def test_teachers_and_admins_may_use_the_grid(client, auth, grid_school, role):
    school, _lead, group, (ada, _ben, _cat) = grid_school
    user = make_user(role, school if role == Role.TEACHER else None)
    auth.login(user)
    assert client.get("/results").status_code == 200
    assert (
        client.get("/results/grid", query_string={"group": group.id, **FINAL_HIGHER}).status_code
        == 200
    )
    assert "Saved" in cell_post(client, ada, "9").get_data(as_text=True)
    assert [g[2] for g in grades_of(ada)] == ["9"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/results"),
        ("get", "/results/grid"),
        ("post", "/results/cell"),
        ("post", "/results/grid"),
    ],
)
def test_evaluators_get_403_and_visitors_sign_in(client, auth, grid_school, method, path):
    assert getattr(client, method)(path).status_code == 302
    auth.login(make_user(Role.EVALUATOR))
    assert getattr(client, method)(path).status_code == 403


# Without JavaScript ------------------------------------------------------------------------


def test_save_all_saves_valid_cells_and_shows_the_invalid_ones(client, auth, grid_school):
    _school, lead, group, (ada, ben, cat) = grid_school
    services.record_grade(lead, cat, "gcse_maths", "final", "5", "higher", date(2026, 1, 1))
    db.session.commit()
    auth.login(lead)
    data = {
        "group": str(group.id),
        **FINAL_HIGHER,
        f"grade-{ada.id}": "9",
        f"was-{ada.id}": "",
        f"grade-{ben.id}": "1",
        f"was-{ben.id}": "",
        f"grade-{cat.id}": "5",  # shown and left as it was: not saved again for this date
        f"was-{cat.id}": "5",
    }
    response = client.post("/results/grid", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "1 grade saved. 1 grade has a problem and was not saved" in page
    assert "The other grades you changed were saved" in page
    assert f'<a href="#grade-{ben.id}">Ben Brown: Grade 1 is not on the higher tier' in page
    assert f'id="grade-{ben.id}" name="grade-{ben.id}" value="1"' in page
    assert [g[2] for g in grades_of(ada)] == ["9"]
    assert grades_of(ben) == []
    assert [g[4] for g in grades_of(cat)] == [date(2026, 1, 1)]


def test_save_all_without_problems_redirects_back_to_the_grid(client, auth, grid_school):
    _school, lead, group, (ada, ben, _cat) = grid_school
    auth.login(lead)
    data = {"group": str(group.id), **FINAL_HIGHER, f"grade-{ada.id}": "4", f"grade-{ben.id}": ""}
    response = client.post("/results/grid", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/results/grid?group={group.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 grade saved." in page
    assert f'id="grade-{ada.id}" name="grade-{ada.id}" value="4"' in page
    assert grades_of(ben) == []


def test_grid_cell_unit_save_reports_states(app, grid_school):
    _school, lead, _group, (ada, _ben, _cat) = grid_school
    choice = grid.GridChoice("a_level_maths", "predicted", None, DAY)
    from tracking.results.services import INVALID, SAVED, UNCHANGED, save_cell

    cell = save_cell(lead, GridCell(ada, None, ""), "a*", choice)
    assert (cell.state, cell.value) == (SAVED, "A*")
    assert save_cell(lead, cell, "A*", choice).state == UNCHANGED
    bad = save_cell(lead, GridCell(ada, None, ""), "7", choice)
    assert bad.state == INVALID and "not an A-level Maths grade" in bad.message


# Exam series and finals not sat, in the grid and in the timeline's grade form -------------

JUNE = date(2026, 6, 1)


def test_parse_choice_reads_the_series_of_a_final_grid():
    choice, errors = grid.parse_choice({**FINAL_HIGHER, "series": "2026-06"}, DAY)
    assert errors == {}
    assert choice.series == JUNE
    assert choice.label == "GCSE Maths, Final (higher tier), June 2026 series, 20/08/2026"
    assert choice.params()["series"] == "2026-06"
    assert grid.parse_choice(choice.params(), DAY) == (choice, {})
    mock = {**FINAL_HIGHER, "kind": "mock", "series": "2026-06"}
    assert grid.parse_choice(mock, DAY) == (
        None,
        {"series": "An exam series is for a final grade only"},
    )
    late = {**FINAL_HIGHER, "series": "2026-11"}
    assert grid.parse_choice(late, DAY)[1] == {
        "series": "The series (November 2026) is after the date of the grade (20/08/2026)"
    }


def test_is_unchanged_needs_the_same_series_too():
    entry = GradeEntry("gcse_maths", "final", "7", "higher", DAY, 1, 1, JUNE)
    assert grid.is_unchanged(
        entry, "7", grid.GridChoice("gcse_maths", "final", "higher", DAY, None, JUNE)
    )
    assert not grid.is_unchanged(entry, "7", grid.GridChoice("gcse_maths", "final", "higher", DAY))


def test_the_choose_page_offers_the_series(client, auth, grid_school):
    _school, lead, _group, _students = grid_school
    auth.login(lead)
    page = client.get("/results").get_data(as_text=True)
    assert '<label for="choose-series">Exam series (final grades)</label>' in page
    assert "No series (not a final grade)</option>" in page
    assert ">June 2025</option>" in page  # a past June series is always offered


def test_a_final_grid_saves_the_series_and_not_sat_codes(client, auth, grid_school):
    _school, lead, group, (ada, ben, cat) = grid_school
    auth.login(lead)
    query = {"group": group.id, **FINAL_HIGHER, "series": "2026-06"}
    page = client.get("/results/grid", query_string=query).get_data(as_text=True)
    assert "June 2026 series" in page
    assert '<input type="hidden" name="series" value="2026-06">' in page
    assert ",term,series" in page  # each cell's save sends the series
    assert "type NE (not entered), or ABS or X (absent)" in page
    for student, typed, stored in ((ada, "7", "7"), (ben, "ne", "NE"), (cat, "x", "X")):
        response = cell_post(client, student, typed, series="2026-06")
        assert response.status_code == 200 and "Saved" in response.get_data(as_text=True)
        db.session.expire_all()
        record = db.session.scalars(
            select(GradeRecord).where(GradeRecord.student_id == student.id)
        ).one()
        assert (record.grade, record.series, record.series_label) == (stored, JUNE, "June 2026")
    # The same code again in the same series changes nothing.
    cell_post(client, ben, "NE", series="2026-06")
    assert len(grades_of(ben)) == 1


def test_absent_is_refused_in_a_mock_grid(client, auth, grid_school):
    _school, lead, _group, (ada, _ben, _cat) = grid_school
    auth.login(lead)
    response = cell_post(client, ada, "ABS", kind="mock")
    assert "ABS (absent) is for a final grade only" in response.get_data(as_text=True)
    assert grades_of(ada) == []


def test_the_timeline_grade_form_takes_a_series_and_not_sat_codes(client, auth, grid_school):
    _school, lead, _group, (ada, _ben, _cat) = grid_school
    auth.login(lead)
    page = client.get(f"/students/{ada.id}/timeline").get_data(as_text=True)
    assert 'for="new-grade-series">Exam series (final grades)</label>' in page
    assert "NE (not entered), or ABS or X (absent)" in page
    form = {
        "new-grade-qualification": "gcse_maths",
        "new-grade-kind": "final",
        "new-grade-grade": "abs",
        "new-grade-tier": "",
        "new-grade-recorded_on": "2026-08-20",
        "new-grade-series": "2026-06",
    }
    response = client.post(f"/students/{ada.id}/timeline/grade", data=form)
    assert response.status_code == 303
    db.session.expire_all()
    record = db.session.scalars(select(GradeRecord)).one()
    assert (record.grade, record.tier, record.series) == ("ABS", None, JUNE)
    timeline = client.get(f"/students/{ada.id}/timeline").get_data(as_text=True)
    assert "<strong>ABS</strong> · June 2026 series" in timeline
    # The edit form shows the series chosen, even an older month not offered for new grades.
    record.series = date(2019, 1, 1)
    db.session.commit()
    edit = client.get(f"/students/{ada.id}/timeline/grade/{record.id}/edit").get_data(as_text=True)
    assert '<option selected value="2019-01">January 2019</option>' in edit


def test_the_timeline_grade_form_puts_a_series_problem_on_the_series(client, auth, grid_school):
    _school, lead, _group, (ada, _ben, _cat) = grid_school
    auth.login(lead)
    form = {
        "new-grade-qualification": "gcse_maths",
        "new-grade-kind": "predicted",
        "new-grade-grade": "7",
        "new-grade-tier": "",
        "new-grade-recorded_on": "2026-08-20",
        "new-grade-series": "2026-06",
    }
    response = client.post(f"/students/{ada.id}/timeline/grade", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "An exam series is for a final grade only" in page
    assert 'id="new-grade-series"' in page and 'aria-invalid="true"' in page
    assert grades_of(ada) == []


def test_the_student_page_shows_the_series_of_the_current_final(client, auth, grid_school):
    _school, lead, _group, (ada, _ben, _cat) = grid_school
    services.record_grade(lead, ada, "gcse_maths", "final", "6", "higher", DAY, series="June 2026")
    services.record_grade(
        lead, ada, "gcse_maths", "final", "7", "higher", date(2027, 1, 14), series="Nov 2026"
    )
    db.session.commit()
    auth.login(lead)
    page = client.get(f"/students/{ada.id}").get_data(as_text=True)
    # The resit is the current grade, and its series says it is not the Year 11 result.
    assert '7 <span class="muted">(Higher)</span> <span class="muted">November 2026</span>' in page
