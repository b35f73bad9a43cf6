"""Destinations: the import (pure checks, the web pages, `flask destinations import`), the HECoS
subject search, the subject fields of the timeline's destination form, and the maths-related
list admins edit."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.imports.table import read_table
from app.models import AuditEvent, Role
from tests.factories import make_school, make_student, make_user, upn_for
from tests.tracking.conftest import HTMX
from tracking.destinations import related
from tracking.destinations.import_rows import validate
from tracking.destinations.models import MathsRelatedSubject
from tracking.models import Destination

TODAY = date(2026, 9, 1)
HEADER = "UPN,Type,HECoS,Subject,Provider,Status,Date"


def table(*lines: str):
    return read_table("\n".join(lines).encode(), "destinations.csv")


def stored() -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        select(
            Destination.student_id,
            Destination.type,
            Destination.status,
            Destination.hecos,
            Destination.subject,
            Destination.provider,
            Destination.recorded_on,
            Destination.source,
        ).order_by(Destination.id)
    ).all()


@pytest.fixture
def school_of_two(app):
    school = make_school("Hill School", urn="123456")
    lead = make_user(Role.LEAD, school)
    ada = make_student(school, year_group=13, first_name="Ada")
    ben = make_student(school, year_group=13, first_name="Ben")
    stranger = make_student(make_school(), year_group=13)
    db.session.commit()
    return school, lead, ada, ben, stranger


# The pure checks ---------------------------------------------------------------------------


def test_validate_reads_types_statuses_codes_names_and_joint_honours():
    a, b = upn_for(1), upn_for(2)
    students = {a: 1, b: 2}
    result = validate(
        table(
            HEADER,
            f"{a},University,100403/100425,,University of Leeds,Confirmed,20/08/2026",
            f"{b},degree apprenticeship,,Maths,BAE Systems,started,",
            f"{b},Gap year,,,,deferred,2026-08-01",
        ),
        students,
        TODAY,
    )
    assert result.errors == []
    first, second, third = result.records
    assert (first.type, first.status, first.hecos) == (
        "higher_education",
        "confirmed",
        "100403 100425",
    )
    assert first.subject == "mathematics and physics"
    assert (second.type, second.hecos, second.recorded_on) == (
        "degree_apprenticeship",
        "100403",
        TODAY,
    )
    assert (third.type, third.status, third.hecos) == ("gap_year", "deferred", None)


def test_every_problem_is_named_by_row_and_column_and_an_ambiguous_subject_lists_candidates():
    result = validate(
        table(
            HEADER,
            f"{upn_for(1)},University,,Engineering,,confirmed,",
            f"{upn_for(1)},Spaceship,123,,,maybe,31/12/2099",
            f"{upn_for(2)},University,100403,,,firm,",
        ),
        {upn_for(1): 1},
        TODAY,
    )
    messages = [str(e) for e in result.errors]
    assert any(
        m.startswith("row 2, column Subject: 'Engineering' matches")
        and "aeronautical engineering (100114)" in m
        for m in messages
    )
    assert any(m.startswith("row 3, column Type: Unknown type 'Spaceship'") for m in messages)
    assert "row 3, column HECoS: '123' is not a HECoS code (6 digits, such as 100403)" in messages
    assert any(m.startswith("row 3, column Status: Unknown status 'maybe'") for m in messages)
    assert "row 3, column Date: The date 31/12/2099 is in the future" in messages
    assert any(m.startswith("row 4, column UPN:") for m in messages)
    assert result.records == []


def test_missing_required_columns_are_reported_on_the_header_row():
    result = validate(table("UPN,Subject", f"{upn_for(1)},Maths"), {}, TODAY)
    assert [(e.row, e.column) for e in result.errors] == [(1, "Type"), (1, "Status")]


# The web pages -----------------------------------------------------------------------------


def upload(client, content: str):
    return client.post(
        "/destinations/import",
        data={"destinations": (io.BytesIO(content.encode()), "destinations.csv")},
        content_type="multipart/form-data",
    )


def test_upload_preview_and_confirm_all_rows(client, auth, school_of_two):
    _school, lead, ada, ben, _ = school_of_two
    auth.login(lead)
    assert "Import destinations" in client.get("/destinations/import").get_data(as_text=True)
    response = upload(
        client,
        "\n".join(
            [
                HEADER,
                f"{ada.upn},University,,Mathematics,University of Leeds,firm,01/03/2026",
                f"{ben.upn},Employment,,,Acme Ltd,started,01/03/2026",
            ]
        ),
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "<dt>Destinations to add</dt><dd>2</dd>" in page
    assert "mathematics (100403)" in page and "Import 2 destinations" in page
    assert stored() == []  # the preview writes nothing

    done = client.post(location, data={"mode": "all"})
    assert done.status_code == 303
    assert "Import done: 2 destinations added." in client.get(done.headers["Location"]).get_data(
        as_text=True
    )
    assert stored() == [
        (ada.id, "higher_education", "firm", "100403", "mathematics", "University of Leeds",
         date(2026, 3, 1), "imported"),
        (ben.id, "employment", "started", None, None, "Acme Ltd", date(2026, 3, 1), "imported"),
    ]  # fmt: skip
    audited = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "destinations.create", AuditEvent.actor_id == lead.id)
    )
    assert audited == 2


def test_a_problem_blocks_the_import_unless_the_valid_rows_are_chosen(client, auth, school_of_two):
    _school, lead, ada, _ben, stranger = school_of_two
    auth.login(lead)
    location = upload(
        client,
        "\n".join(
            [
                HEADER,
                f"{ada.upn},University,100425,,,confirmed,",
                f"{stranger.upn},University,100403,,,confirmed,",  # another school's student
            ]
        ),
    ).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "No student with this UPN in this school" in page
    assert client.post(location, data={"mode": "all"}).status_code == 303
    assert stored() == []  # all or nothing
    assert client.post(location, data={"mode": "valid"}).status_code == 303
    assert [(r.student_id, r.hecos) for r in stored()] == [(ada.id, "100425")]


def test_a_teacher_may_import_but_an_evaluator_may_not(client, auth, school_of_two):
    school = school_of_two[0]
    evaluator = make_user(Role.EVALUATOR)
    auth.login(evaluator)
    assert client.get("/destinations/import").status_code == 403
    auth.logout()
    auth.login(make_user(Role.TEACHER, school))
    assert client.get("/destinations/import").status_code == 200


# The command -------------------------------------------------------------------------------


def test_cli_imports_once_and_skips_repeats(runner, school_of_two, tmp_path):
    _school, _lead, ada, ben, _ = school_of_two
    path = tmp_path / "destinations.csv"
    path.write_text(
        f"{HEADER}\n{ada.upn},University,100403,,York,confirmed,01/08/2026\n"
        f"{ben.upn},University,,Physics; Mathematics,York,deferred,01/08/2026\n"
    )
    args = ["destinations", "import", str(path), "--school", "123456"]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would import: 2 destinations added" in dry.output and stored() == []
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "2 destinations added" in result.output
    assert [r.hecos for r in stored()] == ["100403", "100425 100403"]
    again = runner.invoke(args=args)
    assert "0 destinations added, 2 unchanged (already recorded)" in again.output


def test_cli_prints_an_ambiguous_subject_with_its_candidates_and_exits_1(
    runner, school_of_two, tmp_path
):
    ada = school_of_two[2]
    path = tmp_path / "destinations.csv"
    path.write_text(f"{HEADER}\n{ada.upn},University,,Computer,,confirmed,\n")
    result = runner.invoke(args=["destinations", "import", str(path), "--school", "123456"])
    assert result.exit_code == 1
    assert "row 2, column Subject: 'Computer' matches 14 HECoS subjects: " in result.output
    assert "computer aided engineering (100160)" in result.output
    assert stored() == []


# The subject search and the timeline's subject fields ---------------------------------------


def test_the_subject_search_lists_codes_and_groups_and_offers_options_as_one_types(
    client, auth, school_of_two
):
    auth.login(school_of_two[1])
    page = client.get("/destinations/subjects?q=actuarial").get_data(as_text=True)
    assert "<td>100106</td><td>actuarial science</td><td>CAH17-01-07 finance</td>" in page
    options = client.get("/destinations/subjects?new-destination-hecos=maths", headers=HTMX)
    assert options.get_data(as_text=True).startswith('<option value="mathematics (100403)">')
    odd = client.get("/destinations/subjects?q=%3Cscript%3E" + "x" * 3000)
    assert odd.status_code == 200 and "<script>x" not in odd.get_data(as_text=True)


def test_the_timeline_form_matches_subjects_and_shows_joint_honours(client, auth, school_of_two):
    _school, lead, ada, _ben, _ = school_of_two
    auth.login(lead)
    url = f"/students/{ada.id}/timeline/destination"
    form = {
        "new-destination-type": "higher_education",
        "new-destination-status": "confirmed",
        "new-destination-hecos": "Maths",
        "new-destination-hecos_joint": "100425",
        "new-destination-provider": "University of Bath",
        "new-destination-evidence": "ucas",
        "new-destination-recorded_on": "20/08/2026",
    }
    assert client.post(url, data=form).status_code == 303
    assert stored()[0][2:5] == ("confirmed", "100403 100425", "mathematics and physics")
    page = client.get(f"/students/{ada.id}/timeline").get_data(as_text=True)
    assert "(confirmed): mathematics and physics (HECoS 100403, 100425, joint honours)" in page

    ambiguous = client.post(url, data={**form, "new-destination-hecos": "engineering"})
    assert ambiguous.status_code == 422
    assert "&#39;engineering&#39; matches" in ambiguous.get_data(as_text=True)
    assert len(stored()) == 1


# The maths-related list --------------------------------------------------------------------


def listed() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(MathsRelatedSubject.code).order_by("code")))


def test_only_admins_edit_the_maths_related_list(client, auth, school_of_two):
    auth.login(school_of_two[1])
    assert client.get("/destinations/maths-related").status_code == 403
    assert client.post("/destinations/maths-related", data={"code": "CAH07-02"}).status_code == 403


def test_an_admin_adds_removes_and_restores_entries_with_reasons_audited(client, auth, app):
    admin = make_user(Role.ADMIN)
    for entry in related.entries():  # the list as a new database seeds it, if any, goes
        related.remove(None, entry)
    db.session.commit()
    auth.login(admin)
    page = client.get("/destinations/maths-related").get_data(as_text=True)
    assert "The list is empty: no degree counts as maths-related." in page

    added = client.post(
        "/destinations/maths-related",
        data={"code": " cah07-02 ", "reason": "Physical chemistry is <b>mathematical</b>"},
    )
    assert added.status_code == 303
    page = client.get("/destinations/maths-related").get_data(as_text=True)
    assert "Added CAH07-02 chemistry to the maths-related list." in page
    assert "&lt;b&gt;mathematical&lt;/b&gt;" in page
    assert "CAH07-02" in listed()

    for code, reason, message in (
        ("CAH07-02", "again", "already on the list"),
        ("CAH09-01", "maths", "is mathematics (CAH09), not maths-related"),
        ("CAH99", "no such", "is neither a CAH code"),
        ("100106", "", "Give the reason"),
    ):
        refused = client.post("/destinations/maths-related", data={"code": code, "reason": reason})
        assert refused.status_code == 422
        assert message in refused.get_data(as_text=True)

    entry = db.session.scalar(
        select(MathsRelatedSubject).where(MathsRelatedSubject.code == "CAH07-02")
    )
    removed = client.post("/destinations/maths-related/remove", data={"entry": entry.id})
    assert removed.status_code == 303 and "CAH07-02" not in listed()
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type == "maths_related_subjects", AuditEvent.actor_id == admin.id)
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["maths_related.add", "maths_related.remove"]

    client.post("/destinations/maths-related/restore")
    assert {"CAH07-01", "CAH10-01", "CAH11-01", "CAH15-02", "CAH17-01-07", "CAH17-01-08"} <= set(
        listed()
    )


def test_the_outcomes_command_uses_the_list_as_edited(runner, school_of_two):
    _school, lead, ada, ben, _ = school_of_two
    for student, code in ((ada, "100417"), (ben, "100425")):  # chemistry, physics
        db.session.add(
            Destination(
                student_id=student.id, type="higher_education", hecos=code, status="confirmed",
                evidence="ucas", recorded_on=date(2026, 8, 20),
            )
        )  # fmt: skip
    for entry in related.entries():
        related.remove(None, entry)
    related.add(lead, "CAH07-02", "Chemistry, for this test")
    db.session.commit()
    import json

    result = runner.invoke(args=["outcomes", "--school", "123456", "--json"])
    degree = json.loads(result.output)["maths_degree"]
    assert degree["maths_related"]["numerator"] == 1  # chemistry only: physics was removed


# The migration -----------------------------------------------------------------------------


def test_the_migration_codes_older_subjects_only_where_name_and_category_agree(tmp_path):
    from flask_migrate import downgrade, upgrade

    from tests.conftest import make_app

    app = make_app("sqlite:///" + str(tmp_path / "older.sqlite"))
    with app.app_context():
        upgrade()
        student = make_student(make_school(), year_group=13)
        cases = [
            ("Mathematics", "mathematics", "100403"),
            ("mathematics", None, "100403"),
            ("Physics", "maths_related", "100425"),
            ("Physics", "mathematics", None),  # the category says otherwise: no code guessed
            ("Maths with Finance", "mathematics", None),  # not exactly a HECoS name
        ]
        records = [
            Destination(
                student_id=student.id, type="higher_education", subject=subject,
                subject_category=category, evidence="ucas", recorded_on=date(2024, 9, 1),
            )
            for subject, category, _ in cases
        ]  # fmt: skip
        db.session.add_all(records)
        db.session.commit()
        ids = [r.id for r in records]
        downgrade(revision="4d5e6f7a8b94")  # as before this change: no hecos, no status
        upgrade()
        db.session.expire_all()
        codes = [db.session.get(Destination, i).hecos for i in ids]
        assert codes == [expected for *_, expected in cases]
        assert db.session.get(Destination, ids[0]).status is None
        assert len(related.entries()) == 6  # the shipped maths-related list, seeded again
        db.session.remove()
        db.engine.dispose()
