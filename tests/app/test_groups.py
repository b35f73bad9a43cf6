from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Group, Role, Student
from tests.factories import make_group, make_school, make_student, make_user


def _lead():
    school = make_school()
    return school, make_user(Role.LEAD, school)


def test_create_a_group_and_refuse_a_duplicate_name(client, auth):
    school, lead = _lead()
    auth.login(lead)
    response = client.post("/groups/", data={"name": " 9X1 ", "kind": "class"})
    assert response.status_code == 303
    group = db.session.scalars(select(Group)).one()
    assert (group.name, group.school_id) == ("9X1", school.id)
    again = client.post("/groups/", data={"name": "9X1", "kind": "booster"})
    assert "There is already a group called 9X1" in again.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Group)) == 1
    empty = client.post("/groups/", data={"name": "", "kind": "class"})
    assert "Enter a name for the group" in empty.get_data(as_text=True)


def test_groups_list_shows_member_counts_in_a_fixed_number_of_queries(client, auth, count_queries):
    school, lead = _lead()
    make_group(school, name="Small", students=[make_student(school)])
    auth.login(lead)
    with count_queries() as few:
        client.get("/groups/")
    for i in range(20):
        make_group(school, name=f"G{i:02d}", students=[make_student(school) for _ in range(3)])
    db.session.commit()
    with count_queries() as many:
        page = client.get("/groups/").get_data(as_text=True)
    assert len(many) == len(few)
    assert page.count('<td class="num">3</td>') == 20


def test_find_and_add_students_inline_then_remove(client, auth):
    school, lead = _lead()
    group = make_group(school, name="Booster")
    amira = make_student(school, first_name="Amira", last_name="Begum")
    make_student(school, first_name="Amir", last_name="Khan")
    make_student(make_school(), first_name="Amira", last_name="Elsewhere")
    auth.login(lead)

    found = client.get(
        f"/groups/{group.id}?q=amir&fragment=candidates", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "Begum, Amira" in found and "Khan, Amir" in found and "Elsewhere" not in found
    assert "<html" not in found

    added = client.post(
        f"/groups/{group.id}/members",
        data={"student_id": str(amira.id), "q": "amir"},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    members, _, candidates = added.partition('hx-swap-oob="true"')
    assert "Begum, Amira" in members and "1 student" in members
    assert "Begum, Amira" not in candidates and "Khan, Amir" in candidates

    again = client.post(f"/groups/{group.id}/members", data={"student_id": str(amira.id)})
    assert again.status_code == 303
    db.session.expire_all()
    assert [s.id for s in db.session.get(Group, group.id).students] == [amira.id]

    removed = client.post(f"/groups/{group.id}/members/{amira.id}/remove")
    assert removed.status_code == 303
    db.session.expire_all()
    assert db.session.get(Group, group.id).students == []
    assert db.session.get(Student, amira.id) is not None
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["group.add_members", "group.remove_member"]


def test_without_javascript_the_search_is_a_normal_page(client, auth):
    school, lead = _lead()
    group = make_group(school)
    make_student(school, first_name="Nojs", last_name="Person")
    auth.login(lead)
    page = client.get(f"/groups/{group.id}?q=nojs").get_data(as_text=True)
    assert "<html" in page and "Person, Nojs" in page
    assert f'action="/groups/{group.id}/members"' in page


def test_rename_and_delete_a_group_keeps_the_students(client, auth):
    school, lead = _lead()
    student = make_student(school)
    group = make_group(school, name="Old", students=[student])
    make_group(school, name="Taken")
    auth.login(lead)
    group_id, student_id = group.id, student.id
    clash = client.post(f"/groups/{group.id}/edit", data={"name": "Taken", "kind": "class"})
    assert clash.status_code == 422
    assert "There is already a group called Taken" in clash.get_data(as_text=True)
    ok = client.post(f"/groups/{group.id}/edit", data={"name": "New", "kind": "booster"})
    assert ok.status_code == 303
    db.session.expire_all()
    assert (db.session.get(Group, group.id).name, db.session.get(Group, group.id).kind) == (
        "New",
        "booster",
    )
    assert client.post(f"/groups/{group_id}/delete").status_code == 303
    db.session.expire_all()
    assert db.session.get(Group, group_id) is None
    assert db.session.get(Student, student_id) is not None


def test_adding_an_unknown_student_is_refused(client, auth):
    school, lead = _lead()
    group = make_group(school)
    auth.login(lead)
    assert client.post(f"/groups/{group.id}/members", data={}).status_code == 400
    missing = client.post(f"/groups/{group.id}/members", data={"student_id": "999999"})
    assert missing.status_code == 404


def test_a_teacher_cannot_delete_a_group_but_can_change_its_members(client, auth):
    school = make_school()
    group = make_group(school, name="9X1", students=[make_student(school)])
    newcomer = make_student(school, first_name="Newcomer")
    auth.login(make_user(Role.TEACHER, school))
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "Delete this group" not in page and "Save group" in page
    assert client.post(f"/groups/{group.id}/delete").status_code == 403
    added = client.post(f"/groups/{group.id}/members", data={"student_id": newcomer.id})
    assert added.status_code == 303
    db.session.expire_all()
    kept = db.session.get(Group, group.id)
    assert kept is not None and newcomer in kept.students
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "group.delete")
    ).all()
