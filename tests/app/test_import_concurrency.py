"""A long import never makes a student's answer fail, and an import that fails part-way
leaves nothing behind.

The first test is real concurrency: gunicorn on 127.0.0.1 against the test database, a
class of 30 students saving answers over and over (bench/import_while_saving.py, which shares
its code), and `flask students import` of 20,000 new students in another process meanwhile.
The import used to be one long transaction: saves waited for it and failed after the busy
timeout ("database is locked").
"""

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app import retry
from app.extensions import db
from app.imports import steps
from app.models import AuditEvent, Group, GroupMember, Role, Student, Upload
from tests import bench_modules
from tests.app.test_import_web import csv_file, upload_ok
from tests.factories import make_group, make_school, make_student, make_user, upn_for

ROWS = 20_000
STUDENTS = 30

bench = bench_modules.load("import_while_saving")


@pytest.fixture
def seeded(app):
    return bench.burst.seed_class(STUDENTS, "self_efficacy")


@pytest.fixture
def server(app, seeded, _schema):
    db.session.remove()
    process, port = bench.burst.start_gunicorn(_schema, workers=2, threads=4)
    yield port
    bench.burst.stop(process)


def test_thirty_students_save_answers_while_20000_students_are_imported(
    server, seeded, _schema, tmp_path
):
    roster = tmp_path / "roster.csv"
    bench.write_roster(roster, ROWS)
    stop = threading.Event()
    saves = bench.keep_saving(server, seeded["class_code"], seeded["codes"], seeded["items"], stop)
    try:
        imported = bench.run_import(_schema, roster)
    finally:
        stop.set()
        bench.finish(saves)

    assert imported["exit_code"] == 0, imported
    assert f"{ROWS} new, 0 updated" in imported["output"]
    assert db.session.scalar(select(func.count(Student.id))) == ROWS + STUDENTS
    # The saves made while the import wrote its rows (its first write to its last commit).
    writing = saves.between(imported["writes_started"], imported["writes_ended"])
    assert len(writing) >= 100, "too few saves overlapped the import to tell anything"
    assert saves.errors == []
    assert [status for _started, _seconds, status in saves.samples if status != 200] == []
    count, _p50, p95, _longest = bench.figures(writing)
    assert p95 < 1.0, f"p95 of {count} saves during the import: {p95:.2f} s"
    # It wrote in short transactions: one per chunk of at most 500 rows, and a few more.
    assert imported["transactions"] >= ROWS // 500


# --- an import that fails in a late chunk ------------------------------------------------


@pytest.fixture
def school():
    return make_school("Northfield Academy")


@pytest.fixture
def lead(school):
    return make_user(Role.LEAD, school)


HEADER = ["UPN", "Legal Forename", "Legal Surname", "Year Group", "Maths Set"]
KNOWN = 300  # students the school has already; the file renames them and moves them to 9Z
NEW = 1000  # new students: the rows run to three chunks of at most 500


IMPORT_ACTIONS = ("student.create", "student.update", "group.create", "group.add_members")


def _counts() -> dict:
    return {
        "students": db.session.scalar(select(func.count(Student.id))),
        "members": db.session.scalar(select(func.count()).select_from(GroupMember)),
        "groups": db.session.scalar(select(func.count(Group.id))),
        "audit": db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action.in_(IMPORT_ACTIONS + ("students.import",))
            )
        ),
    }


@pytest.fixture
def roster_file(school):
    """A school with KNOWN students in group 9A, and a file that renames them all, puts them
    in a new group 9Z and adds NEW students to new groups 9B and 9C. The known students come
    first (chunk 1 with 200 new ones), then 500 and 300 new ones."""
    known = [make_student(school, upn=upn_for(n), last_name="Old") for n in range(KNOWN)]
    make_group(school, name="9A", students=known)
    db.session.commit()
    rows = [HEADER]
    rows += [[upn_for(n), "Renamed", "New", "9", "9Z"] for n in range(KNOWN)]
    rows += [[upn_for(10_000 + n), f"F{n}", "L", "9", f"9{'BC'[n % 2]}"] for n in range(NEW)]
    return csv_file(rows)


def _fail_in_third_chunk(monkeypatch, school, error: str) -> list[int]:
    """Make the third chunk of new students fail: with a UPN of its first row taken by
    another user meanwhile (IntegrityError), or with a database error."""
    from app.imports import services

    calls: list[int] = []
    real = services.create_students

    def create_students(actor, school_id, rows):
        calls.append(len(rows))
        if len(calls) == 3:
            if error == "locked":
                raise OperationalError("INSERT", {}, Exception("database is locked"))
            with db.engine.begin() as other:  # another connection: someone else's commit
                other.execute(
                    Student.__table__.insert().values(
                        school_id=school.id,
                        upn=rows[0]["upn"],
                        first_name="Taken",
                        last_name="Meanwhile",
                        entry_year=2020,
                        survey_code="TAKEN1",
                        search_text="",
                    )
                )
        return real(actor, school_id, rows)

    monkeypatch.setattr(services, "create_students", create_students)
    return calls


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ("taken", "the records changed while this file was being imported"),
        ("locked", "the database could not finish the import"),
    ],
)
def test_an_import_failing_in_a_late_chunk_leaves_nothing_behind(
    client, auth, school, lead, roster_file, monkeypatch, error, message
):
    monkeypatch.setattr(steps, "SQLITE_PAUSE", 0)
    before = _counts()
    auth.login(lead)
    location = upload_ok(client, roster_file)
    calls = _fail_in_third_chunk(monkeypatch, school, error)

    response = client.post(location, data={"mode": "all"})

    assert calls == [200, 500, 300]
    assert response.status_code == 303 and response.headers["Location"] == location
    page = client.get(location).get_data(as_text=True)
    assert message in page
    taken = 1 if error == "taken" else 0  # the other user's student stays
    after = _counts()
    assert after["students"] == before["students"] + taken
    assert (after["members"], after["groups"]) == (before["members"], before["groups"])
    assert after["audit"] == before["audit"]
    assert db.session.scalar(select(Upload.applied_at)) is None
    names = set(db.session.execute(select(Student.first_name, Student.last_name)).all())
    assert ("Renamed", "New") not in names
    members = db.session.scalars(select(Group.name).join(GroupMember)).all()
    assert set(members) == {"9A"} and len(members) == KNOWN
    # The file can be imported once the clash is gone, in full, from the same preview.
    monkeypatch.undo()
    db.session.execute(Student.__table__.delete().where(Student.last_name == "Meanwhile"))
    db.session.commit()
    done = client.post(location, data={"mode": "all"})
    assert done.status_code == 303 and done.headers["Location"] != location
    assert _counts()["students"] == before["students"] + NEW


def test_undo_keeps_a_change_someone_else_made_meanwhile(app, school, lead, roster_file):
    """Undoing restores a field only where it still holds the import's value."""
    from app.imports import services

    originals = dict(db.session.execute(select(Student.upn, Student.first_name)).all())
    plan = services.ROSTER.preview(school, roster_file, "r.csv")
    journal = steps.Journal()
    session = db.session()
    journal.start(session)
    writes = services.ROSTER.write(lead, school, plan)
    for _step in range(2):  # the groups, then the first chunk: KNOWN renamed, 200 new
        next(writes)
        session.commit()
        journal.keep()
    journal.stop(session)
    assert _counts()["students"] == KNOWN + 200
    edited = db.session.scalars(select(Student).where(Student.upn == upn_for(0))).one()
    edited.first_name = "Edited by the lead"
    db.session.commit()

    journal.undo()

    names = dict(db.session.execute(select(Student.upn, Student.first_name)).all())
    assert names == {**originals, upn_for(0): "Edited by the lead"}
    assert set(db.session.scalars(select(Group.name))) == {"9A"}


def test_a_save_that_meets_a_locked_database_is_tried_again(app):
    tries = []

    def busy_twice():
        tries.append(1)
        if len(tries) < 3:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return "saved"

    def broken():
        tries.append(1)
        raise OperationalError("INSERT", {}, Exception("no such table: answers"))

    assert retry.committed(busy_twice) == "saved" and len(tries) == 3
    tries.clear()
    with pytest.raises(OperationalError):
        retry.committed(broken)
    assert len(tries) == 1  # not a busy database: not tried again
