"""Interventions, their registers and dosage per student."""

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Role
from tests.factories import make_group, make_student, make_user
from tests.tracking.conftest import HTMX
from tracking import services
from tracking.models import Attendance, Intervention


def _intervention(school, group=None, **fields):
    data = {
        "type": "ks4_booster",
        "subtype": None,
        "title": "Year 11 booster",
        "held_on": date(2026, 1, 12),
        "duration_minutes": 50,
        "provider": None,
        "mentor": None,
        "group_id": group.id if group else None,
    }
    data.update(fields)
    return services.create_intervention(None, school.id, data)


def test_add_an_intervention_for_a_group_then_take_its_register(client, auth, lead_school):
    school, lead, student = lead_school
    group = make_group(school, name="Year 11 booster", students=[student])
    db.session.commit()
    auth.login(lead)
    form = client.get("/interventions/new").get_data(as_text=True)
    assert "Year 11 booster" in form  # the group is offered
    response = client.post(
        "/interventions/new",
        data={
            "type": "enrichment",
            "subtype": "ukmt_challenge",
            "title": "Intermediate Maths Challenge",
            "held_on": "2026-02-05",
            "duration_minutes": "90",
            "provider": "UKMT",
            "mentor": "",
            "group_id": str(group.id),
        },
    )
    assert response.status_code == 303
    intervention = db.session.scalars(select(Intervention)).one()
    assert response.headers["Location"].endswith(f"/interventions/{intervention.id}/register")
    assert (intervention.school_id, intervention.subtype, intervention.group_id) == (
        school.id,
        "ukmt_challenge",
        group.id,
    )
    assert db.session.scalar(select(AuditEvent.action)) == "intervention.create"
    register = client.get(f"/interventions/{intervention.id}/register").get_data(as_text=True)
    assert student.sort_name in register and 'aria-pressed="false"' in register
    assert "Not marked" in register


def test_an_intervention_form_with_errors_is_shown_again(client, auth, lead_school):
    school, lead, _ = lead_school
    auth.login(lead)
    response = client.post(
        "/interventions/new",
        data={
            "type": "enrichment",
            "subtype": "",
            "title": "",
            "held_on": "",
            "duration_minutes": "0",
            "group_id": "999",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in (
        "Choose the kind of enrichment",
        "Enter a title",
        "Enter the date",
        "Enter the duration in minutes",
        "Choose a group from the list",
    ):
        assert message in page
    assert db.session.scalar(select(func.count()).select_from(Intervention)) == 0


def test_one_click_attendance_with_htmx_and_without(client, auth, lead_school):
    school, lead, student = lead_school
    group = make_group(school, students=[student])
    intervention = _intervention(school, group)
    db.session.commit()
    auth.login(lead)
    url = f"/interventions/{intervention.id}/register"
    row = client.post(url, data={"student_id": student.id, "status": "present"}, headers=HTMX)
    body = row.get_data(as_text=True)
    assert body.startswith(f'<tr id="student-{student.id}"')
    assert body.count('aria-pressed="true"') == 1
    assert 'class="register-present" aria-pressed="true"' in body
    plain = client.post(url, data={"student_id": student.id, "status": "absent"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"#student-{student.id}")
    again = client.post(url, data={"student_id": student.id, "status": "absent"})
    assert again.status_code == 303
    db.session.expire_all()
    (mark,) = db.session.scalars(select(Attendance)).all()
    assert (mark.status, mark.marked_by_id) == ("absent", lead.id)
    assert client.post(url, data={"student_id": student.id, "status": "late"}).status_code == 400


def test_register_keeps_students_marked_before_they_left_the_group(client, auth, lead_school):
    school, lead, student = lead_school
    stayer = make_student(school, last_name="Stayer")
    group = make_group(school, students=[stayer])
    intervention = _intervention(school, group)
    services.mark_attendance(None, intervention, student, "present")
    db.session.commit()
    auth.login(lead)
    page = client.get(f"/interventions/{intervention.id}/register").get_data(as_text=True)
    assert student.sort_name in page and "Stayer" in page


def test_list_and_edit_an_intervention(client, auth, lead_school, count_queries):
    school, lead, student = lead_school
    group = make_group(school, students=[student])
    first = _intervention(school, group)
    services.mark_attendance(None, first, student, "present")
    db.session.commit()
    auth.login(lead)
    with count_queries() as few:
        page = client.get("/interventions").get_data(as_text=True)
    assert "Year 11 booster" in page and '<td class="num">1</td>' in page
    for i in range(20):
        _intervention(school, group, title=f"Session {i}")
    db.session.commit()
    with count_queries() as many:
        client.get("/interventions")
    assert len(many) == len(few)
    shown = client.get(f"/interventions/{first.id}").get_data(as_text=True)
    assert "Present 1" in shown
    edited = client.post(
        f"/interventions/{first.id}",
        data={
            "type": "peer_mentoring",
            "subtype": "",
            "title": "Mentoring",
            "held_on": "2026-01-12",
            "duration_minutes": "30",
            "mentor": "Amara (Y13)",
            "group_id": str(group.id),
        },
    )
    assert edited.status_code == 303
    db.session.expire_all()
    changed = db.session.get(Intervention, first.id)
    assert (changed.type, changed.mentor, changed.duration_minutes) == (
        "peer_mentoring",
        "Amara (Y13)",
        30,
    )


def test_dosage_shows_sessions_and_minutes_by_kind(client, auth, lead_school):
    school, lead, student = lead_school
    boosters = [_intervention(school, title=f"Booster {i}") for i in range(3)]
    circle = _intervention(school, type="enrichment", subtype="maths_circle", duration_minutes=90)
    services.mark_attendance(None, boosters[0], student, "present")
    services.mark_attendance(None, boosters[1], student, "present")
    services.mark_attendance(None, boosters[2], student, "absent")
    services.mark_attendance(None, circle, student, "present")
    db.session.commit()
    auth.login(lead)
    for url in (f"/students/{student.id}/timeline", f"/students/{student.id}"):
        page = " ".join(client.get(url).get_data(as_text=True).split())
        assert '<td>KS4 booster</td><td class="num">2</td><td class="num">100</td>' in page
        assert '<td>Enrichment</td><td class="num">1</td><td class="num">90</td>' in page
        assert '<th scope="row">Total</th><td class="num">3</td><td class="num">190</td>' in page
    timeline = client.get(f"/students/{student.id}/timeline").get_data(as_text=True)
    assert timeline.count("timeline-attendance") == 4 and "<strong>Absent</strong>" in timeline


def test_admin_sees_all_schools_but_cannot_add_without_a_school(client, auth, lead_school):
    school, _, _ = lead_school
    _intervention(school)
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    assert "Year 11 booster" in client.get("/interventions").get_data(as_text=True)
    assert client.get("/interventions/new").status_code == 403


def test_register_loads_in_a_fixed_number_of_queries(client, auth, lead_school, count_queries):
    school, lead, student = lead_school
    group = make_group(school, students=[student, make_student(school), make_student(school)])
    intervention = _intervention(school, group)
    services.mark_attendance(None, intervention, student, "present")
    db.session.commit()
    auth.login(lead)
    url = f"/interventions/{intervention.id}/register"
    with count_queries() as few:
        client.get(url)
    more = [make_student(school) for _ in range(27)]
    group.students.extend(more)
    for other in more[:10]:
        services.mark_attendance(None, intervention, other, "absent")
    db.session.commit()
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert len(many) == len(few)
    assert page.count('<tr id="student-') == 30
    assert page.count('class="register-absent" aria-pressed="true"') == 10


def test_delete_an_intervention_entered_by_mistake(client, auth, lead_school):
    school, lead, student = lead_school
    mistake = _intervention(school, title="Wrong day")
    services.mark_attendance(None, mistake, student, "present")
    db.session.commit()
    mistake_id = mistake.id
    auth.login(lead)
    page = client.get(f"/interventions/{mistake_id}").get_data(as_text=True)
    assert "Delete this intervention" in page
    response = client.post(f"/interventions/{mistake_id}/delete")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Intervention, mistake_id) is None
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "intervention.delete")
    ).one()
    assert event.before["title"] == "Wrong day" and event.before["attendance_marks"] == 1
    assert event.actor_id == lead.id


def test_another_schools_intervention_cannot_be_deleted(client, auth, lead_school):
    from tests.factories import make_school

    school, _lead, _student = lead_school
    other = _intervention(make_school(), title="Theirs")
    outsider = make_user(Role.LEAD)
    db.session.commit()
    auth.login(outsider)
    assert client.post(f"/interventions/{other.id}/delete").status_code == 404
    db.session.expire_all()
    assert db.session.get(Intervention, other.id) is not None
