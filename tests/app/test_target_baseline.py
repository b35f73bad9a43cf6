"""Confirming a cohort's target list (the baseline), on the web and with `flask targets
freeze`, and the reason a later change of a target mark needs; the census fields' form."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import academic
from app.extensions import db
from app.models import AuditEvent, Role, Student, TargetBaseline
from app.students.baseline import baseline_flags
from tests.factories import make_school, make_student, make_user, upn_for


@pytest.fixture
def school():
    return make_school("Northfield Academy", urn="140001")


@pytest.fixture
def lead(school):
    return make_user(Role.LEAD, school)


def cohort_of(year_group: int) -> int:
    return academic.entry_year_for(year_group, date.today())


def stored(student_id: int) -> Student:
    db.session.expire_all()
    return db.session.get(Student, student_id)


def baselines() -> list[TargetBaseline]:
    db.session.expire_all()
    return list(db.session.scalars(select(TargetBaseline)))


def confirm(client, year_group: int = 9, criteria: str = "KS2 110+ and FSM6"):
    return client.post(
        "/students/targets", data={"cohort": cohort_of(year_group), "criteria": criteria}
    )


def test_a_lead_confirms_a_cohorts_target_list_which_keeps_who_when_and_why(
    client, auth, school, lead
):
    ann = make_student(school, 9, first_name="Ann", is_target=True)
    make_student(school, 9, first_name="Ben")  # not a target
    make_student(school, 9, first_name="Cat", is_target=True, left_on=date.today())  # left
    make_student(school, 8, first_name="Dan", is_target=True)  # another cohort
    make_student(make_school(), 9, first_name="Eve", is_target=True)  # another school
    auth.login(lead)
    page = client.get("/students/").get_data(as_text=True)
    assert "Confirm target list" in page
    page = client.get("/students/targets").get_data(as_text=True)
    assert f"Entered Year 7 in {academic.label(cohort_of(9))}" in page
    assert "Not confirmed. Marked as target students now: 1 (" in page

    response = confirm(client, criteria="KS2 110+ <b>and</b> FSM6")
    assert response.status_code == 303
    (baseline,) = baselines()
    assert [s.id for s in baseline.students] == [ann.id]
    assert (baseline.school_id, baseline.entry_year) == (school.id, cohort_of(9))
    assert (baseline.confirmed_on, baseline.confirmed_by_id) == (date.today(), lead.id)
    assert baseline.criteria == "KS2 110+ <b>and</b> FSM6"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "targets.confirm")
    ).one()
    assert event.actor_id == lead.id and event.after["students"] == [ann.upn]
    page = client.get("/students/targets").get_data(as_text=True)
    assert f"on {date.today():%d/%m/%Y} by {lead.email}: 1 student." in page
    assert "KS2 110+ &lt;b&gt;and&lt;/b&gt; FSM6" in page  # escaped, never markup


def test_a_confirmed_list_is_never_replaced_and_an_empty_one_is_refused(client, auth, school, lead):
    make_student(school, 9, is_target=True)
    make_student(school, 10)
    auth.login(lead)
    assert confirm(client).status_code == 303
    again = confirm(client)
    assert again.status_code == 422
    assert "a confirmed list is never replaced" in again.get_data(as_text=True)
    nobody = confirm(client, year_group=10)
    assert nobody.status_code == 422
    assert "is marked as a target student" in nobody.get_data(as_text=True)
    no_criteria = confirm(client, year_group=10, criteria="  ")
    assert "Say how the target students were chosen" in no_criteria.get_data(as_text=True)
    for odd in ("", "abc", "-1", "２０２２", "99999999999"):
        odd_cohort = client.post("/students/targets", data={"cohort": odd, "criteria": "x"})
        assert odd_cohort.status_code == 400, odd
    assert len(baselines()) == 1


def test_only_leads_of_a_school_confirm_and_the_form_needs_its_csrf_token(
    app, client, auth, school, lead
):
    make_student(school, 9, is_target=True)
    teacher = make_user(Role.TEACHER, school)
    admin = make_user(Role.ADMIN)
    auth.login(teacher)
    assert client.get("/students/targets").status_code == 403
    assert confirm(client).status_code == 403
    auth.logout()
    auth.login(admin)  # an admin acts for a school by signing in as its lead
    assert confirm(client).status_code == 403
    auth.logout()
    auth.login(lead)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/students/targets").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert confirm(client).status_code == 400
    assert baselines() == []
    data = {"cohort": cohort_of(9), "criteria": "x", "csrf_token": token}
    assert client.post("/students/targets", data=data).status_code == 303
    assert len(baselines()) == 1


def test_after_the_baseline_a_target_change_needs_a_reason_kept_in_the_audit_log(
    client, auth, school, lead
):
    ann = make_student(school, 9, is_target=True)
    ben = make_student(school, 9)
    other = make_student(school, 10)  # a cohort with no baseline: no reason asked
    auth.login(lead)
    confirm(client)
    page = client.get(f"/students/{ann.id}").get_data(as_text=True)
    assert "Reason for the change" in page and "On the cohort" in page

    refused = client.post(f"/students/{ann.id}/target", data={"is_target": "0"})
    assert refused.status_code == 422
    assert "Give a reason" in refused.get_data(as_text=True)
    assert stored(ann.id).is_target
    fragment = client.post(
        f"/students/{ann.id}/target",
        data={"is_target": "0", "reason": "  "},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert "Give a reason" in fragment and "<html" not in fragment
    assert stored(ann.id).is_target

    done = client.post(
        f"/students/{ann.id}/target", data={"is_target": "0", "reason": "Moved to set 3"}
    )
    assert done.status_code == 303 and not stored(ann.id).is_target
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "student.update", AuditEvent.entity_id == ann.id)
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.after["reason"] == "Moved to set 3" and event.before == {"is_target": True}
    assert "after the baseline: Moved to set 3" in event.summary

    assert client.post(f"/students/{other.id}/target", data={"is_target": "1"}).status_code == 303
    assert stored(other.id).is_target

    # The edit form asks for the reason too, and changes nothing without it.
    form = {
        "upn": ben.upn,
        "first_name": ben.first_name,
        "last_name": ben.last_name,
        "year_group": "9",
        "is_target": "y",
        "version": str(ben.version),
    }
    page = client.post(f"/students/{ben.id}/edit", data=form)
    assert "Give a reason: this cohort&#39;s target list was confirmed" in page.get_data(
        as_text=True
    )
    assert not stored(ben.id).is_target
    form["target_reason"] = "Teacher nomination, Y9 autumn"
    assert client.post(f"/students/{ben.id}/edit", data=form).status_code == 303
    assert stored(ben.id).is_target


def test_baseline_flags_keep_unmarked_students_and_spot_later_additions(client, auth, school, lead):
    ann = make_student(school, 9, is_target=True)
    ben = make_student(school, 9)
    cat = make_student(school, 10, is_target=True)
    auth.login(lead)
    confirm(client)
    client.post(f"/students/{ann.id}/target", data={"is_target": "0", "reason": "left set"})
    client.post(f"/students/{ben.id}/target", data={"is_target": "1", "reason": "new data"})
    cohorts, members = baseline_flags(select(Student))
    assert cohorts == {(school.id, cohort_of(9))}
    assert members == {ann.id}
    assert cat.id not in members
    page = client.get("/students/targets").get_data(as_text=True)
    assert "1 unmarked (still counted as target students), 1 added after the baseline" in page


def test_flask_targets_freeze(runner, school, lead):
    ann = make_student(school, 9, is_target=True)
    db.session.commit()
    args = ["targets", "freeze", "--school", school.urn, "--cohort", str(cohort_of(9))]
    result = runner.invoke(args=[*args, "--criteria", "KS2 110+"])
    assert result.exit_code == 0, result.output
    assert "Northfield Academy: 1 students" in result.output
    (baseline,) = baselines()
    assert [s.id for s in baseline.students] == [ann.id]
    assert (baseline.criteria, baseline.confirmed_by_label) == ("KS2 110+", "command line")
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "never replaced" in again.output
    missing = runner.invoke(args=["targets", "freeze", "--school", "999999", "--cohort", "2020"])
    assert missing.exit_code != 0 and "No school has URN 999999" in missing.output
    empty = runner.invoke(args=["targets", "freeze", "--school", school.urn, "--cohort", "2001"])
    assert empty.exit_code != 0 and "No student of the cohort" in empty.output
    assert db.session.scalar(select(func.count(TargetBaseline.id))) == 1


def test_the_student_form_records_sen_sex_plac_and_pupil_premium_as_at(client, auth, school, lead):
    student = make_student(school, 9)
    auth.login(lead)
    form = {
        "upn": student.upn,
        "first_name": "Ann",
        "last_name": "Lee",
        "year_group": "9",
        "sen": "E",
        "sex": "F",
        "previously_looked_after": "y",
        "pupil_premium": "y",
        "pupil_premium_as_at": "16/01/2025",
        "version": str(student.version),
    }
    assert client.post(f"/students/{student.id}/edit", data=form).status_code == 303
    saved = stored(student.id)
    assert (saved.sen, saved.sex, saved.previously_looked_after) == ("E", "F", True)
    assert saved.pupil_premium_as_at == date(2025, 1, 16)
    assert saved.is_disadvantaged  # previously looked after counts (DfE)
    page = client.get(f"/students/{student.id}").get_data(as_text=True)
    for shown in ("EHC plan (E)", "Female", "Yes (as at 16/01/2025)"):
        assert shown in page
    edit = client.get(f"/students/{student.id}/edit").get_data(as_text=True)
    assert '<option selected value="E">' in edit or 'value="E" selected' in edit

    form.update(sen="Y", sex="X", version=str(saved.version))
    page = client.post(f"/students/{student.id}/edit", data=form).get_data(as_text=True)
    assert "Not a valid choice" in page
    assert stored(student.id).sen == "E"


def test_pupil_premium_alone_is_not_disadvantaged(app, school):
    pp_only = make_student(school, pupil_premium=True)
    fsm = make_student(school, fsm_ever6=True)
    lac = make_student(school, looked_after=True)
    plac = make_student(school, previously_looked_after=True)
    assert not pp_only.is_disadvantaged
    assert fsm.is_disadvantaged and lac.is_disadvantaged and plac.is_disadvantaged
    found = set(db.session.scalars(select(Student.id).where(Student.is_disadvantaged)))
    assert found == {fsm.id, lac.id, plac.id}


def test_a_later_leaving_date_keeps_a_target_student_in_the_list(app, school):
    from app.students.baseline import confirm_target_list

    stays = make_student(school, 9, is_target=True, left_on=date.today() + timedelta(days=30))
    baseline = confirm_target_list(None, school, cohort_of(9), "", date.today())
    assert [s.id for s in baseline.students] == [stays.id]


def test_a_roster_import_writes_the_new_columns_leavers_included(runner, tmp_path, school):
    import csv

    kept = make_student(school, 10, first_name="Kit", pupil_premium=False)
    db.session.commit()
    rows = [
        ["UPN", "Forename", "Surname", "Year", "Entry Year", "Leaving Date", "Target"]
        + ["PLAC", "SEN", "Sex", "Pupil Premium"],
        [kept.upn, "Kit", "Lee", "10", "", "", "Y", "N", "K", "M", "Y"],
        [upn_for(777), "Lou", "Old", "", "2019/20", "19/07/2024", "Y", "Y", "E", "F", "N"],
    ]
    path = tmp_path / "roster.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    result = runner.invoke(args=["students", "import", str(path), "--school", school.urn])
    assert result.exit_code == 0, result.output
    assert "1 new, 1 updated" in result.output
    db.session.expire_all()
    leaver = db.session.scalar(select(Student).where(Student.first_name == "Lou"))
    assert (leaver.entry_year, leaver.left_on) == (2019, date(2024, 7, 19))
    assert (leaver.is_target, leaver.previously_looked_after, leaver.sen, leaver.sex) == (
        True,
        True,
        "E",
        "F",
    )
    assert leaver.is_disadvantaged and leaver.pupil_premium_as_at == date.today()
    kit = stored(kept.id)
    assert (kit.is_target, kit.sen, kit.sex, kit.pupil_premium) == (True, "K", "M", True)
    assert kit.pupil_premium_as_at == date.today()  # Pupil Premium changed today


def test_programme_start_year_is_configurable_and_checked():
    from app.config import ConfigError, from_environment

    assert from_environment("/tmp", {})["PROGRAMME_START_YEAR"] == 2024
    assert (
        from_environment("/tmp", {"PROGRAMME_START_YEAR": "2025"})["PROGRAMME_START_YEAR"] == 2025
    )
    for odd in ("2024/25", "²⁰²⁴"):
        with pytest.raises(ConfigError, match="PROGRAMME_START_YEAR must be a year"):
            from_environment("/tmp", {"PROGRAMME_START_YEAR": odd})


def test_the_migration_keeps_sen_as_codes_and_back(tmp_path):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from tests.conftest import make_app

    app = make_app("sqlite:///" + str(tmp_path / "sen.sqlite"))
    with app.app_context():
        upgrade(revision="e5f3a0b29c43")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO schools (id, urn, name, created_at)"
                    " VALUES (1, '1', 'S', '2025-01-01')"
                )
            )
            for n, sen in ((1, True), (2, False), (3, None)):
                conn.execute(
                    text(
                        "INSERT INTO students (id, school_id, upn, first_name, last_name,"
                        " entry_year, pupil_premium, fsm_ever6, looked_after, sen, is_target,"
                        " survey_opt_out, survey_code, search_text, created_at, updated_at,"
                        " version) VALUES"
                        " (:n, 1, :upn, 'A', 'B', 2020, false, false, false, :sen, false, false,"
                        " :code, '', '2025-01-01', '2025-01-01', 1)"
                    ),
                    {"n": n, "upn": f"U{n}", "sen": sen, "code": f"C{n}"},
                )
        upgrade(revision="1a2b3c4d5e61")
        query = text("SELECT sen, previously_looked_after FROM students ORDER BY id")
        with db.engine.connect() as conn:
            rows = [tuple(row) for row in conn.execute(query)]
        assert rows == [("K", False), ("N", False), (None, False)]
        downgrade(revision="e5f3a0b29c43")
        with db.engine.connect() as conn:
            back = [row[0] for row in conn.execute(text("SELECT sen FROM students ORDER BY id"))]
        assert back == [1, 0, None]
        db.engine.dispose()


def test_a_roster_import_never_changes_a_target_mark_after_the_baseline(runner, tmp_path, school):
    import csv

    from app.students.baseline import confirm_target_list

    chosen = make_student(school, 9, first_name="Ada", is_target=True)
    passed_over = make_student(school, 9, first_name="Ben")
    other_cohort = make_student(school, 8, first_name="Cy")
    confirm_target_list(None, school, cohort_of(9), "KS2 110+", date.today())
    db.session.commit()
    rows = [
        ["UPN", "Forename", "Surname", "Year", "Target"],
        [chosen.upn, "Ada", "Lovelace", "9", "N"],  # unmarking: needs a reason
        [passed_over.upn, "Ben", "Stone", "9", "Y"],  # marking: needs a reason
        [other_cohort.upn, "Cy", "Young", "8", "Y"],  # no confirmed list: a plain change
        [upn_for(901), "Dee", "New", "9", "Y"],  # a new student: added after the baseline
    ]
    path = tmp_path / "roster.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)

    refused = runner.invoke(args=["students", "import", str(path), "--school", school.urn])
    assert refused.exit_code == 1
    confirmed = date.today().strftime("%d/%m/%Y")
    for row in (2, 3):
        assert (
            f"row {row}, column Target: The target list of this student's cohort was confirmed "
            f"on {confirmed}: change the target mark on the student's page, where a reason is "
            "asked"
        ) in refused.output
    assert (stored(chosen.id).is_target, stored(passed_over.id).is_target) == (True, False)

    valid = runner.invoke(
        args=["students", "import", str(path), "--school", school.urn, "--valid-only"]
    )
    assert valid.exit_code == 0, valid.output
    assert (stored(chosen.id).is_target, stored(passed_over.id).is_target) == (True, False)
    assert stored(other_cohort.id).is_target is True
    dee = db.session.scalar(select(Student).where(Student.upn == upn_for(901)))
    assert dee.is_target and dee.entry_year == cohort_of(9)
