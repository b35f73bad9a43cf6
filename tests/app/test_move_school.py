"""Moving a student to another school (admins only), and the messages a school's staff get
for a UPN in use elsewhere: they say nothing about another school."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.access import UPN_NOT_HERE
from app.admin import moves
from app.admin.services import AdminError
from app.extensions import db
from app.models import AuditEvent, Group, GroupMember, Role, Student
from tests.factories import make_group, make_school, make_student, make_user
from tracking import services as tracking
from tracking.models import GradeRecord


@pytest.fixture
def schools(app):
    return make_school("Old Road School"), make_school("New Lane Academy")


@pytest.fixture
def admin(app):
    return make_user(Role.ADMIN, email="admin@example.org")


def _moving(schools):
    old, _new = schools
    student = make_student(old, first_name="Maya", last_name="Okafor", year_group=10)
    group = make_group(old, name="10X1", students=[student])
    grade = tracking.record_grade(None, student, "gcse_maths", "target", "8", None, date.today())
    db.session.commit()
    return student, group, grade


def test_admin_moves_a_student_and_their_records_follow(client, auth, schools, admin):
    old, new = schools
    student, group, grade = _moving(schools)
    auth.login(admin)
    page = client.get(f"/students/{student.id}/move").get_data(as_text=True)
    assert "Move Maya Okafor to another school" in page and "10X1" in page
    assert "New Lane Academy" in page and '<option value="' + str(old.id) + '"' not in page

    response = client.post(
        f"/students/{student.id}/move",
        data={"school": str(new.id), "reason": "Family moved to Leeds"},
        follow_redirects=True,
    )
    assert "Moved Maya Okafor from Old Road School to New Lane Academy." in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    moved = db.session.get(Student, student.id)
    assert moved.school_id == new.id
    # The old school's group stays, without the student; the grade is still theirs.
    assert db.session.get(Group, group.id).students == []
    assert db.session.get(GradeRecord, grade.id).student_id == student.id

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "student.move")).one()
    assert event.actor_id == admin.id and event.school_id == new.id
    assert event.before == {"school_id": old.id, "school": "Old Road School", "groups": ["10X1"]}
    assert event.after == {
        "school_id": new.id,
        "school": "New Lane Academy",
        "reason": "Family moved to Leeds",
    }
    assert "Family moved to Leeds" in client.get("/audit").get_data(as_text=True)


def test_the_new_school_sees_the_student_and_the_old_one_no_longer_does(client, auth, schools):
    old, new = schools
    student, _group, grade = _moving(schools)
    moves.move_student(None, student, new, "Moved house")
    db.session.commit()
    auth.login(make_user(Role.LEAD, old))
    assert client.get(f"/students/{student.id}").status_code == 404
    auth.logout()
    auth.login(make_user(Role.TEACHER, new))
    timeline = client.get(f"/students/{student.id}/timeline")
    assert timeline.status_code == 200
    entry = client.get(
        f"/students/{student.id}/timeline/grade/{grade.id}", headers={"HX-Request": "true"}
    )
    assert entry.status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"school": "", "reason": "Moved"}, "Choose the school the student is moving to."),
        ({"school": "999999", "reason": "Moved"}, "Not a valid choice"),
        ({"school": "NEW", "reason": "  "}, "Say why the student is moving"),
        ({"school": "NEW", "reason": "x" * 201}, "Use at most 200 characters."),
    ],
)
def test_a_move_without_a_school_or_a_reason_is_refused(
    client, auth, schools, admin, data, message
):
    old, new = schools
    student, group, _grade = _moving(schools)
    auth.login(admin)
    data = {**data, "school": str(new.id) if data["school"] == "NEW" else data["school"]}
    response = client.post(f"/students/{student.id}/move", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Student, student.id).school_id == old.id
    assert db.session.scalar(select(func.count()).select_from(GroupMember)) == 1
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "student.move")
    ).all()


def test_a_move_to_the_same_school_is_refused(schools):
    old, _new = schools
    student, _group, _grade = _moving(schools)
    with pytest.raises(AdminError) as refused:
        moves.move_student(None, student, old, "No reason")
    assert refused.value.problems == {"school": "Maya Okafor is already at Old Road School."}


def test_a_upn_the_target_school_already_has_is_refused(schools):
    old, new = schools
    there = make_student(new)
    # The same UPN as a student of the new school (not saved: UPNs are unique anyway).
    arriving = Student(upn=there.upn, school_id=old.id, first_name="Al", last_name="Dup")
    problems = moves.move_problems(arriving, new, "Moved")
    assert problems == {
        "school": f"New Lane Academy already has a student with UPN {there.upn}: "
        "the student cannot be moved there."
    }


@pytest.mark.parametrize("role", [Role.LEAD, Role.TEACHER])
def test_school_staff_cannot_move_students(client, auth, schools, role):
    old, new = schools
    student, _group, _grade = _moving(schools)
    auth.login(make_user(role, old))
    response = client.post(
        f"/students/{student.id}/move", data={"school": str(new.id), "reason": "Mine now"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Student, student.id).school_id == old.id


def test_the_student_page_offers_the_move_to_admins(client, auth, schools, admin):
    student, _group, _grade = _moving(schools)
    auth.login(admin)
    page = client.get(f"/students/{student.id}").get_data(as_text=True)
    assert "Move to another school" in page


def test_a_lead_adding_another_schools_upn_learns_nothing_about_it(client, auth, schools):
    old, new = schools
    elsewhere = make_student(old, first_name="Hidden", last_name="Pupil")
    own = make_student(new)
    auth.login(make_user(Role.LEAD, new))
    data = {"first_name": "New", "last_name": "Pupil", "year_group": "9"}
    response = client.post("/students/new", data={**data, "upn": elsewhere.upn})
    page = response.get_data(as_text=True)
    assert UPN_NOT_HERE in page
    assert "Old Road School" not in page and "Hidden" not in page
    # Their own school's student they can see anyway: the message says so plainly.
    response = client.post("/students/new", data={**data, "upn": own.upn})
    assert "Another student already has this UPN" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Student)) == 2
