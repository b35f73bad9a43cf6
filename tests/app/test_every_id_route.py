"""Every route that takes an id, walked from the app's own URL map: as a lead, another school's
id is a 404 (never a 403, which would say it exists). A route added later is walked too."""

from datetime import date

from app.extensions import db
from app.imports import uploads
from app.models import Role
from surveys import services as surveys
from surveys.instruments import load_all
from tests.factories import make_group, make_intervention, make_school, make_student, make_user
from tracking import services as tracking
from tracking.profiles import jobs

NOT_IDS = {"kind", "filename"}


def _world(name: str) -> dict[str, int]:
    """One school with one of everything a route can name, by the route's argument name."""
    school = make_school(name)
    lead = make_user(Role.LEAD, school)
    teacher = make_user(Role.TEACHER, school)
    student = make_student(school, year_group=11)
    group = make_group(school, students=[student])
    grade = tracking.record_grade(None, student, "gcse_maths", "target", "8", None, date.today())
    intervention = make_intervention(school, group)
    session = surveys.open_session(teacher, group, load_all()["enjoyment"])
    job = jobs.create_job(lead, school, [student], sensitive=False, group=group)
    upload = uploads.store_upload(lead, "roster", "roster.csv", b"upn\n")
    db.session.commit()
    return {
        "school_id": school.id,
        "user_id": teacher.id,
        "student_id": student.id,
        "group_id": group.id,
        "record_id": grade.id,
        "intervention_id": intervention.id,
        "session_id": session.id,
        "job_id": job.id,
        "upload_id": upload.id,
        "lead": lead,
    }


def _url(rule, ids: dict) -> str:
    values = {arg: ids[arg] for arg in rule.arguments if arg not in NOT_IDS}
    if "kind" in rule.arguments:
        values["kind"] = "grade"  # record_id is a grade
    return rule.build(values)[1]


def test_another_schools_id_is_a_404_on_every_route(app, client, auth):
    own, other = _world("Home School"), _world("Away School")
    auth.login(own["lead"])
    walked, refused_by_role = [], []
    for rule in app.url_map.iter_rules():
        if not (rule.arguments - NOT_IDS) or rule.endpoint.endswith("static"):
            continue
        unknown = rule.arguments - NOT_IDS - set(own)
        assert not unknown, f"{rule.rule}: give the world a {unknown} to walk it"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            theirs = client.open(_url(rule, other), method=method)
            mine = client.open(_url(rule, own), method=method)
            if mine.status_code == 403:  # the route is not for leads at all
                refused_by_role.append(rule.endpoint)
                assert theirs.status_code == 403, rule.rule
                continue
            assert theirs.status_code == 404, (method, rule.rule, theirs.status_code)
            walked.append((method, rule.rule))
    # Every area's routes were walked, not skipped: a lead may use all but an admin's own.
    assert set(refused_by_role) == {"admin.move_student"}
    assert len(walked) >= 35
    prefixes = {rule.split("/")[1] for _, rule in walked}
    assert {"students", "groups", "surveys", "interventions", "profiles", "users"} <= prefixes


def test_a_teacher_gets_the_same_404s(app, client, auth):
    own, other = _world("Home School"), _world("Away School")
    auth.login(make_user(Role.TEACHER, own["lead"].school))
    for path in (
        f"/students/{other['student_id']}",
        f"/groups/{other['group_id']}",
        f"/surveys/{other['session_id']}",
        f"/interventions/{other['intervention_id']}",
        f"/profiles/jobs/{other['job_id']}",
        f"/students/{other['student_id']}/timeline/grade/{other['record_id']}",
    ):
        assert client.get(path).status_code == 404, path
