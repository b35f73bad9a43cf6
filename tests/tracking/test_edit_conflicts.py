"""Two people editing one progression record: a save over a newer change is refused, never
silent. Grades on the timeline, post-16 records, UCAS applications, destinations,
interventions, and the results-day grid (append-only grades: the cell carries the current
record it showed). Each person is a test client of their own, signed in as themselves."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Role
from tests.app.test_edit_conflicts import client_of, form_fields, when
from tests.factories import make_group, make_school, make_student, make_user
from tracking import services
from tracking.models import (
    Destination,
    GradeRecord,
    Intervention,
    Post16Record,
    StudentNote,
    UcasApplication,
)
from tracking.results.grid import shown_token
from tracking.results.services import current_grades

HTMX = {"HX-Request": "true"}
DAY = date(2026, 8, 20)


@pytest.fixture
def people(app):
    """(school, student, ann, ben): a Year 13 student and two staff of their school."""
    school = make_school()
    ann = make_user(Role.LEAD, school, name="Ann Lee")
    ben = make_user(Role.TEACHER, school, name="Ben Ode")
    student = make_student(school, year_group=13, first_name="Amy", last_name="Shaw")
    db.session.commit()
    return school, student, ann, ben


def _grade(student):
    return services.record_grade(None, student, "gcse_maths", "predicted", "6", None, DAY)


def _post16(student):
    data = {"subject": "a_level_maths", "status": "considering", "provider": None}
    return services.add_record(None, student, Post16Record, {**data, "recorded_on": DAY})


def _ucas(student):
    data = {
        "course": "BSc Mathematics",
        "provider": "University of Leeds",
        "subject": "Mathematics",
        "subject_category": "mathematics",
        "status": "applied",
        "recorded_on": DAY,
    }
    return services.add_record(None, student, UcasApplication, data)


def _destination(student):
    data = {
        "type": "higher_education",
        "subject_category": "mathematics",
        "subject": "mathematics",
        "hecos": "100403",
        "provider": "University of Leeds",
        "evidence": "ucas",
        "recorded_on": DAY,
    }
    return services.add_record(None, student, Destination, data)


def _note(student):
    return services.add_record(None, student, StudentNote, {"text": "Keen on puzzles"})


# kind: (make the record, Ben's change, Ann's change, (label, Ann's value, Ben's value) shown)
KINDS = {
    "grade": (_grade, ("grade", "7"), ("term", "2025/26 summer"), ("Grade", "6", "7")),
    "post16": (
        _post16,
        ("status", "applied"),
        ("provider", "City College"),
        ("Status", "Considering", "Applied"),
    ),
    "ucas": (
        _ucas,
        ("status", "firm"),
        ("course", "BSc Maths and Physics"),
        ("Status", "Applied", "Firm choice"),
    ),
    "destination": (
        _destination,
        ("hecos", "100425"),
        ("provider", "University of York"),
        ("Subject (HECoS)", "mathematics (100403)", "physics (100425)"),
    ),
    # Notes are corrected through the same form, so they are guarded the same way.
    "note": (_note, ("text", "Keen on proofs"), ("text", "Keen on puzzles!"), None),
}
MODELS = {
    "grade": GradeRecord,
    "post16": Post16Record,
    "ucas": UcasApplication,
    "destination": Destination,
    "note": StudentNote,
}


def _open(client, url: str) -> dict[str, str]:
    """Open the edit page at `url` and read its form as a browser would send it back."""
    return form_fields(
        client.get(url).get_data(as_text=True), f'<form method="post" action="{url}"'
    )


def _stored(model, record_id: int):
    db.session.expire_all()
    return db.session.get(model, record_id)


def _last_update(action: str) -> AuditEvent:
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
    ).first()


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_correction_over_a_newer_one_is_refused_with_both_values(app, people, kind):
    _school, student, ann, ben = people
    make, (ben_field, ben_value), (ann_field, ann_value), _shown = KINDS[kind]
    record = make(student)
    db.session.commit()
    url = f"/students/{student.id}/timeline/{kind}/{record.id}/edit"
    prefix = f"{kind}{record.id}-"
    ann_client, ben_client = client_of(app, ann), client_of(app, ben)
    ann_form = _open(ann_client, url)
    ben_form = _open(ben_client, url)
    assert ann_form[f"{prefix}version"] == "1"

    saved = ben_client.post(url, data={**ben_form, prefix + ben_field: ben_value})
    assert saved.status_code == 303
    refused = ann_client.post(url, data={**ann_form, prefix + ann_field: ann_value})

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    event = _last_update(f"{MODELS[kind].__tablename__}.update")
    assert f"Changed by Ben Ode at {when(event)} since you opened it" in page
    assert 'class="error-summary conflict" role="alert"' in page
    shown = KINDS[kind][3] or ("Note", ann_value, ben_value)
    assert "{}</a></th><td>{}</td><td>{}</td>".format(*shown) in page
    kept = form_fields(page, f'<form method="post" action="{url}"')
    assert kept[prefix + ann_field] == ann_value  # what Ann typed is still in the form
    assert kept[f"{prefix}version"] == "2"
    stored = _stored(MODELS[kind], record.id)
    assert getattr(stored, ben_field) == ben_value  # Ben's correction stands...
    assert getattr(stored, ann_field) != ann_value  # ...and nothing of Ann's was written
    assert stored.version == 2

    again = ann_client.post(url, data=kept)  # read, and saved again on purpose
    assert again.status_code == 303
    assert getattr(_stored(MODELS[kind], record.id), ann_field) == ann_value


@pytest.mark.parametrize("kind", list(KINDS))
def test_corrections_one_after_another_still_save(app, people, kind):
    _school, student, ann, _ben = people
    make, (field, value), (other_field, other_value), _shown = KINDS[kind]
    record = make(student)
    db.session.commit()
    url = f"/students/{student.id}/timeline/{kind}/{record.id}/edit"
    prefix = f"{kind}{record.id}-"
    client = client_of(app, ann)
    for name, text in ((field, value), (other_field, other_value)):
        form = _open(client, url)
        assert client.post(url, data={**form, prefix + name: text}).status_code == 303
    stored = _stored(MODELS[kind], record.id)
    assert getattr(stored, other_field) == other_value and stored.version == 3
    if field != other_field:
        assert getattr(stored, field) == value


def test_with_htmx_the_refusal_comes_back_in_place_of_the_entry(app, people):
    _school, student, ann, ben = people
    record = _grade(student)
    db.session.commit()
    url = f"/students/{student.id}/timeline/grade/{record.id}/edit"
    prefix = f"grade{record.id}-"
    ann_client, ben_client = client_of(app, ann), client_of(app, ben)
    ann_form = form_fields(ann_client.get(url, headers=HTMX).get_data(as_text=True))
    ben_form = form_fields(ben_client.get(url, headers=HTMX).get_data(as_text=True))
    assert (
        ben_client.post(url, data={**ben_form, prefix + "grade": "8"}, headers=HTMX).status_code
        == 200
    )

    refused = ann_client.post(url, data={**ann_form, prefix + "grade": "5"}, headers=HTMX)

    assert refused.status_code == 200  # so that htmx swaps it in
    fragment = refused.get_data(as_text=True)
    assert fragment.lstrip().startswith(f'<li id="entry-grade-{record.id}"')
    assert 'role="alert"' in fragment and "Changed by Ben Ode at " in fragment
    assert "Grade</a></th><td>5</td><td>8</td>" in fragment
    assert form_fields(fragment)[prefix + "grade"] == "5"  # what Ann typed, kept
    assert _stored(GradeRecord, record.id).grade == "8"


def test_an_intervention_edited_meanwhile_is_not_overwritten(app, people):
    school, _student, ann, ben = people
    group = make_group(school, name="11X1")
    intervention = services.create_intervention(
        None,
        school.id,
        {
            "type": "ks4_booster",
            "subtype": None,
            "title": "Year 11 booster",
            "held_on": DAY,
            "duration_minutes": 60,
            "provider": None,
            "mentor": None,
            "group_id": group.id,
        },
    )
    db.session.commit()
    url = f"/interventions/{intervention.id}"
    ann_client, ben_client = client_of(app, ann), client_of(app, ben)
    ann_form = _open(ann_client, url)
    ben_form = _open(ben_client, url)
    assert ann_form["version"] == "1"
    assert ben_client.post(url, data={**ben_form, "title": "Booster (moved)"}).status_code == 303

    refused = ann_client.post(url, data={**ann_form, "duration_minutes": "45"})

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    event = _last_update("intervention.update")
    assert f"Changed by Ben Ode at {when(event)} since you opened it" in page
    assert "Title</a></th><td>Year 11 booster</td><td>Booster (moved)</td>" in page
    assert "Duration in minutes</a></th><td>45</td><td>60</td>" in page
    assert form_fields(page, f'<form method="post" action="{url}"')["duration_minutes"] == "45"
    stored = _stored(Intervention, intervention.id)
    assert (stored.title, stored.duration_minutes) == ("Booster (moved)", 60)

    normal = _open(ann_client, url)
    assert ann_client.post(url, data={**normal, "duration_minutes": "45"}).status_code == 303
    assert _stored(Intervention, intervention.id).duration_minutes == 45


# The results-day grid ---------------------------------------------------------------------

CHOICE = {"qualification": "gcse_maths", "kind": "final", "tier": "higher", "date": "2026-08-20"}


@pytest.fixture
def grid(people):
    """(group, ada, bo, ann, ben): a group of two students on the grid of final GCSE grades."""
    school, _student, ann, ben = people
    ada = make_student(school, year_group=11, first_name="Ada", last_name="Adams")
    bo = make_student(school, year_group=11, first_name="Bo", last_name="Brown")
    group = make_group(school, name="11X1", students=[ada, bo])
    db.session.commit()
    return group, ada, bo, ann, ben


def _grid_page(client, group) -> str:
    return client.get("/results/grid", query_string={"group": group.id, **CHOICE}).get_data(
        as_text=True
    )


def _cell(client, page_fields: dict, student, grade: str):
    """Post one cell as htmx does: the student, the typed grade and what the cell showed."""
    sid = student.id
    data = {**CHOICE, "student": str(sid), f"grade-{sid}": grade}
    data[f"seen-{sid}"] = page_fields[f"seen-{sid}"]
    return client.post("/results/cell", data=data, headers=HTMX)


def _grades(student) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(GradeRecord.grade)
            .where(GradeRecord.student_id == student.id)
            .order_by(GradeRecord.id)
        )
    )


def test_a_cell_saved_by_someone_else_meanwhile_is_refused_in_the_cell(app, grid):
    group, ada, _bo, ann, ben = grid
    ann_client, ben_client = client_of(app, ann), client_of(app, ben)
    ann_page = form_fields(_grid_page(ann_client, group))
    ben_page = form_fields(_grid_page(ben_client, group))
    assert "Saved" in _cell(ben_client, ben_page, ada, "7").get_data(as_text=True)

    fragment = _cell(ann_client, ann_page, ada, "8").get_data(as_text=True)

    event = _last_update("grade_records.create")
    assert fragment.lstrip().startswith(f'<td id="cell-{ada.id}" class="grid-cell has-conflict"')
    assert (
        f'id="cell-{ada.id}-state" class="cell-state cell-error cell-conflict" role="alert">'
        f"Changed by Ben Ode at {when(event)} since you opened it: now <strong>7</strong>"
    ) in fragment
    assert "you typed <strong>8</strong>, not saved." in fragment
    assert f'name="grade-{ada.id}" value="8"' in fragment  # what Ann typed stays in the cell
    assert f'aria-describedby="cell-{ada.id}-state"' in fragment
    assert _grades(ada) == ["7"]

    # The cell now carries the record it shows: "Save 8 instead" saves Ann's grade over it.
    kept = form_fields(fragment, "<td")
    assert kept[f"seen-{ada.id}"] == shown_token(
        current_grades([ada.id], "gcse_maths", "final")[ada.id]
    )
    assert "Saved" in _cell(ann_client, kept, ada, "8").get_data(as_text=True)
    assert _grades(ada) == ["7", "8"]


def test_a_grade_corrected_on_the_timeline_meanwhile_is_a_conflict_on_the_grid(app, grid):
    group, ada, _bo, ann, ben = grid
    record = services.record_grade(None, ada, "gcse_maths", "final", "6", "higher", DAY)
    db.session.commit()
    ann_client = client_of(app, ann)
    ann_page = form_fields(_grid_page(ann_client, group))
    assert ann_page[f"seen-{ada.id}"] == f"{record.id}.1"
    # Ben corrects the same record in place (its id stays, its version goes up).
    services.update_record(ben, _stored(GradeRecord, record.id), {"grade": "5"})
    db.session.commit()

    fragment = _cell(ann_client, ann_page, ada, "9").get_data(as_text=True)

    assert "Changed by Ben Ode at " in fragment and "now <strong>5</strong>" in fragment
    assert _grades(ada) == ["5"]


def test_typing_what_is_stored_now_is_no_conflict(app, grid):
    group, ada, _bo, ann, ben = grid
    ann_client, ben_client = client_of(app, ann), client_of(app, ben)
    ann_page = form_fields(_grid_page(ann_client, group))
    _cell(ben_client, form_fields(_grid_page(ben_client, group)), ada, "7")
    fragment = _cell(ann_client, ann_page, ada, "7").get_data(as_text=True)
    assert "has-conflict" not in fragment and "Saved" in fragment
    assert _grades(ada) == ["7"]


def test_save_all_without_javascript_refuses_only_the_cells_changed_meanwhile(app, grid):
    group, ada, bo, ann, ben = grid
    ann_client, ben_client = client_of(app, ann), client_of(app, ben)
    ann_form = form_fields(_grid_page(ann_client, group), '<form method="post" action="/results')
    _cell(ben_client, form_fields(_grid_page(ben_client, group)), ada, "7")

    data = {**ann_form, f"grade-{ada.id}": "8", f"grade-{bo.id}": "6"}
    response = ann_client.post("/results/grid", data=data)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "1 grade saved. 1 grade has a problem and was not saved" in page
    assert "Ada Adams: Changed by Ben Ode at " in page and "(now 7; you typed 8)" in page
    assert f'name="grade-{ada.id}" value="8"' in page
    assert (_grades(ada), _grades(bo)) == (["7"], ["6"])
    # Saving the page again, once read, saves what Ann typed.
    again = ann_client.post(
        "/results/grid", data=form_fields(page, '<form method="post" action="/results')
    )
    assert again.status_code == 303
    assert (_grades(ada), _grades(bo)) == (["7", "8"], ["6"])
