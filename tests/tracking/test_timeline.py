"""The student timeline: one chronological list, inline add and edit with and without htmx."""

import re
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent
from tests.tracking.conftest import HTMX, add_history
from tracking import services
from tracking.models import GradeRecord, StudentNote

GRADE = {
    "new-grade-qualification": "gcse_maths",
    "new-grade-kind": "mock",
    "new-grade-grade": "6",
    "new-grade-tier": "higher",
    "new-grade-recorded_on": "2026-01-10",
}


def _grades() -> list[GradeRecord]:
    db.session.expire_all()
    return db.session.scalars(select(GradeRecord).order_by(GradeRecord.id)).all()


def test_timeline_shows_every_kind_newest_first(client, auth, lead_school):
    _, lead, student = lead_school
    services.record_grade(lead, student, "ks3_maths", "working_at", "5", None, date(2024, 3, 1))
    services.add_record(lead, student, StudentNote, {"text": "Came to <b>maths circle</b>"})
    add_history(student, lead)
    db.session.commit()
    auth.login(lead)
    page = client.get(f"/students/{student.id}/timeline").get_data(as_text=True)
    for text in (
        "GCSE Maths, predicted: <strong>4</strong>",
        "A-level Maths: <strong>Considering</strong> at Sixth form",
        "BSc Mathematics at University of Leeds: <strong>Applied</strong>",
        "<strong>University</strong>: Mathematics at University of Leeds",
        "UKMT Intermediate Maths Challenge 2025: <strong>Gold</strong> · qualified for Kangaroo",
        "Came to &lt;b&gt;maths circle&lt;/b&gt;",
    ):
        assert text in page
    # The KS3 grade of 2024 is the oldest entry, so it comes last.
    assert page.index("KS3 maths, working-at") > page.index("GCSE Maths, predicted")


def test_add_a_grade_without_javascript_redirects_back_and_audits(client, auth, lead_school):
    _, lead, student = lead_school
    auth.login(lead)
    response = client.post(f"/students/{student.id}/timeline/grade", data=GRADE)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/students/{student.id}/timeline#timeline")
    (grade,) = _grades()
    assert (grade.grade, grade.tier, grade.kind, grade.entered_by_id) == (
        "6",
        "higher",
        "mock",
        lead.id,
    )
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.actor_id, event.after["grade"]) == (
        "grade_records.create",
        lead.id,
        "6",
    )


def test_add_a_grade_with_htmx_returns_a_fresh_form_and_the_new_entry(client, auth, lead_school):
    _, lead, student = lead_school
    auth.login(lead)
    response = client.post(f"/students/{student.id}/timeline/grade", data=GRADE, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.startswith('<section id="add-grade"')
    assert "Added the grade." in body
    assert 'hx-swap-oob="afterbegin:#timeline-entries"' in body
    assert "GCSE Maths, mock: <strong>6</strong> (Higher tier)" in body
    assert 'value="6"' not in body  # the form is fresh for the next grade
    assert len(_grades()) == 1


def test_a_grade_off_its_scale_is_refused_with_the_scale_message(client, auth, lead_school):
    _, lead, student = lead_school
    auth.login(lead)
    bad = {**GRADE, "new-grade-tier": "foundation"}
    with_js = client.post(f"/students/{student.id}/timeline/grade", data=bad, headers=HTMX)
    assert with_js.status_code == 200  # so htmx swaps the form with its error in place
    assert "Grade 6 is not on the foundation tier (5-1, U)" in with_js.get_data(as_text=True)
    without_js = client.post(f"/students/{student.id}/timeline/grade", data=bad)
    assert without_js.status_code == 422
    page = without_js.get_data(as_text=True)
    assert "Grade 6 is not on the foundation tier (5-1, U)" in page
    assert "<details open>" in page and "Please correct the following" in page
    no_tier = client.post(
        f"/students/{student.id}/timeline/grade", data={**GRADE, "new-grade-tier": ""}
    )
    assert "Choose the tier (foundation or higher) for a mock GCSE Maths grade" in no_tier.get_data(
        as_text=True
    )
    assert _grades() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_form_errors_of_other_kinds_are_shown(client, auth, lead_school):
    _, lead, student = lead_school
    auth.login(lead)
    response = client.post(
        f"/students/{student.id}/timeline/ucas",
        data={"new-ucas-course": "", "new-ucas-provider": "", "new-ucas-recorded_on": "2026-01-01"},
        headers=HTMX,
    )
    body = response.get_data(as_text=True)
    assert "Enter the course" in body and "Enter the provider" in body


def test_inline_edit_with_htmx_corrects_the_row_and_audits(client, auth, lead_school):
    _, lead, student = lead_school
    record = services.record_grade(
        lead, student, "gcse_maths", "predicted", "6", None, date(2026, 1, 5)
    )
    db.session.commit()
    auth.login(lead)
    url = f"/students/{student.id}/timeline/grade/{record.id}/edit"
    form = client.get(url, headers=HTMX).get_data(as_text=True)
    assert form.startswith(f'<li id="entry-grade-{record.id}"')
    assert f'name="grade{record.id}-grade"' in form and 'value="6"' in form
    saved = client.post(
        url,
        data={
            f"grade{record.id}-qualification": "gcse_maths",
            f"grade{record.id}-kind": "predicted",
            f"grade{record.id}-grade": "7",
            f"grade{record.id}-tier": "",
            f"grade{record.id}-recorded_on": "2026-01-05",
        },
        headers=HTMX,
    )
    assert saved.status_code == 200
    assert "GCSE Maths, predicted: <strong>7</strong>" in saved.get_data(as_text=True)
    assert [g.grade for g in _grades()] == ["7"]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "grade_records.update")
    ).one()
    assert (event.before, event.after) == ({"grade": "6"}, {"grade": "7"})
    cancel = client.get(f"/students/{student.id}/timeline/grade/{record.id}", headers=HTMX)
    assert "<strong>7</strong>" in cancel.get_data(as_text=True)


def test_edit_without_javascript_is_a_page_and_redirects(client, auth, lead_school):
    _, lead, student = lead_school
    note = services.add_record(lead, student, StudentNote, {"text": "First thought"})
    db.session.commit()
    auth.login(lead)
    url = f"/students/{student.id}/timeline/note/{note.id}/edit"
    page = client.get(url)
    assert page.status_code == 200 and "<h1>Correct a note of" in page.get_data(as_text=True)
    empty = client.post(url, data={f"note{note.id}-text": "  "})
    assert empty.status_code == 422 and "Write the note" in empty.get_data(as_text=True)
    saved = client.post(url, data={f"note{note.id}-text": "Second thought"})
    assert saved.status_code == 303
    db.session.expire_all()
    assert db.session.get(StudentNote, note.id).text == "Second thought"


def _element(html: str, tag: str, dom_id: str) -> str:
    """The element with that id (no nested element of the same tag), whitespace squashed and
    CSRF tokens (new on every render) left out."""
    found = re.search(rf'<{tag} id="{dom_id}".*?</{tag}>', html, re.S)
    assert found, f"no <{tag} id={dom_id}>"
    text = re.sub(r'name="csrf_token" value="[^"]*"', "", found.group(0))
    return re.sub(r"\s+", " ", text).replace("> <", "><")


def test_htmx_fragments_are_the_markup_of_the_page(client, auth, lead_school):
    _, lead, student = lead_school
    note = services.add_record(lead, student, StudentNote, {"text": "Keen"})
    db.session.commit()
    auth.login(lead)
    base = f"/students/{student.id}/timeline"
    page = client.get(base).get_data(as_text=True)
    entry = client.get(f"{base}/note/{note.id}", headers=HTMX).get_data(as_text=True)
    assert _element(entry, "li", f"entry-note-{note.id}") == _element(
        page, "li", f"entry-note-{note.id}"
    )
    # The same "Add" form, whether the page or htmx draws it (refused: opened, with errors).
    refused = client.post(f"{base}/note", data={"new-note-text": ""}, headers=HTMX)
    page_refused = client.post(f"{base}/note", data={"new-note-text": ""})
    assert (refused.status_code, page_refused.status_code) == (200, 422)
    assert _element(refused.get_data(as_text=True), "section", "add-note") == _element(
        page_refused.get_data(as_text=True), "section", "add-note"
    )
    edit = f"{base}/note/{note.id}/edit"
    form = client.get(edit, headers=HTMX).get_data(as_text=True)
    assert _element(form, "li", f"entry-note-{note.id}") == _element(
        client.get(edit).get_data(as_text=True), "li", f"entry-note-{note.id}"
    )


def test_delete_removes_the_entry_and_audits(client, auth, lead_school):
    _, lead, student = lead_school
    record = services.record_grade(
        lead, student, "gcse_maths", "target", "8", None, date(2026, 1, 5)
    )
    db.session.commit()
    auth.login(lead)
    response = client.post(
        f"/students/{student.id}/timeline/grade/{record.id}/delete", headers=HTMX
    )
    assert response.status_code == 200 and response.get_data(as_text=True) == ""
    assert _grades() == []
    assert (
        db.session.scalar(
            select(AuditEvent.before).where(AuditEvent.action == "grade_records.delete")
        )["grade"]
        == "8"
    )


def test_a_record_of_another_student_is_404(client, auth, lead_school):
    school, lead, student = lead_school
    from tests.factories import make_student

    other = make_student(school)
    record = services.record_grade(lead, other, "gcse_maths", "target", "8", None, date(2026, 1, 5))
    db.session.commit()
    auth.login(lead)
    assert client.get(f"/students/{student.id}/timeline/grade/{record.id}/edit").status_code == 404
    assert (
        client.post(f"/students/{student.id}/timeline/grade/{record.id}/delete").status_code == 404
    )
    assert client.get(f"/students/{student.id}/timeline/sandwich/1/edit").status_code == 404
    assert client.post(f"/students/{student.id}/timeline/sandwich").status_code == 404


def test_timeline_loads_in_a_fixed_number_of_queries(client, auth, lead_school, count_queries):
    _, lead, student = lead_school
    add_history(student, lead, 3)
    db.session.commit()
    auth.login(lead)
    with count_queries() as few:
        assert client.get(f"/students/{student.id}/timeline").status_code == 200
    add_history(student, lead, 27)
    db.session.commit()
    with count_queries() as many:
        page = client.get(f"/students/{student.id}/timeline").get_data(as_text=True)
    assert len(many) == len(few)
    assert page.count('class="timeline-entry timeline-grade"') == 30


def test_student_page_shows_the_progression_summary(client, auth, lead_school, count_queries):
    _, lead, student = lead_school
    services.record_grade(lead, student, "gcse_maths", "target", "8", None, date(2025, 9, 1))
    services.record_grade(lead, student, "gcse_maths", "predicted", "6", None, date(2025, 10, 1))
    services.record_grade(lead, student, "gcse_maths", "predicted", "7", None, date(2026, 1, 1))
    services.add_record(lead, student, StudentNote, {"text": "Keen on <i>physics</i>"})
    db.session.commit()
    auth.login(lead)
    with count_queries() as few:
        page = client.get(f"/students/{student.id}").get_data(as_text=True)
    assert "Progression" in page and f"/students/{student.id}/timeline" in page
    row = page[page.index('<th scope="row">GCSE Maths</th>') :]
    assert row.index("<td>8</td>") < row.index("<td>7</td>")
    assert "<td>6</td>" not in row.split("</tr>")[0]  # the older prediction is history
    assert "Keen on &lt;i&gt;physics&lt;/i&gt;" in page
    add_history(student, lead, 10)
    db.session.commit()
    with count_queries() as many:
        client.get(f"/students/{student.id}")
    assert len(many) == len(few)


def test_survey_scores_from_the_surveys_area_are_on_the_timeline(
    client, auth, lead_school, monkeypatch
):
    import dataclasses
    from datetime import datetime

    from surveys import services as surveys
    from surveys.services import ScaleHistory, ScorePoint

    _, lead, student = lead_school
    names = {f.name for f in dataclasses.fields(ScaleHistory)}
    extra = {k: v for k, v in {"low": 1, "high": 4}.items() if k in names}

    def scores_for_students(student_ids):
        point = ScorePoint(7, datetime(2026, 2, 3, 9, 30), "Spring 2026", "Enjoying maths", 3.25)
        return {
            sid: [ScaleHistory(key="enjoyment", title="Enjoyment", points=[point], **extra)]
            for sid in student_ids
        }

    monkeypatch.setattr(surveys, "scores_for_students", scores_for_students)
    auth.login(lead)
    page = client.get(f"/students/{student.id}/timeline").get_data(as_text=True)
    assert "Enjoying maths (Spring 2026):" in page and "Enjoyment 3.25" in page
    assert '<time datetime="2026-02-03">' in page


def test_student_page_shows_each_ucas_application_once_with_its_current_status(
    client, auth, lead_school
):
    from tracking.models import UcasApplication

    _, lead, student = lead_school
    for status, day in (("applied", 10), ("offer_conditional", 20), ("firm", 28)):
        services.add_record(
            lead,
            student,
            UcasApplication,
            {
                "course": "BSc Physics",
                "provider": "University of Bristol",
                "subject": "Physics",
                "subject_category": "maths_related",
                "status": status,
                "recorded_on": date(2026, 1, day),
            },
        )
    db.session.commit()
    auth.login(lead)
    page = client.get(f"/students/{student.id}").get_data(as_text=True)
    assert "BSc Physics at University of Bristol: Firm choice" in page
    assert page.count("BSc Physics at University of Bristol") == 1
