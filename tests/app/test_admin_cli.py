"""`flask schools add` and `flask users add`."""

import pytest
from sqlalchemy import func, select

from app.audit import COMMAND_LINE
from app.extensions import db
from app.models import AuditEvent, School, User
from app.passwords import verify_password
from tests.factories import make_school, make_user

PASSWORD = "a long enough password"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def account(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def test_schools_add(runner):
    result = runner.invoke(args=["schools", "add", "123456", "Northfield Academy"])

    assert result.exit_code == 0, result.output
    assert "Added school Northfield Academy (URN 123456)" in result.output
    school = db.session.scalar(select(School).where(School.urn == "123456"))
    assert school.name == "Northfield Academy"
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.actor_id, event.actor_label) == (
        "school.create",
        None,
        COMMAND_LINE,
    )
    assert event.after == {"urn": "123456", "name": "Northfield Academy"}


def test_schools_add_refuses_a_taken_urn_and_writes_nothing(runner):
    make_school("Northfield Academy", urn="123456")
    db.session.commit()

    result = runner.invoke(args=["schools", "add", "123456", "Copycat School"])

    assert result.exit_code == 1
    assert "URN 123456 is already used by Northfield Academy." in result.output
    assert count(School) == 1
    assert count(AuditEvent) == 0


@pytest.mark.parametrize("urn", ["12345", "1234567", "ABC123", ""])
def test_schools_add_refuses_a_malformed_urn_and_writes_nothing(runner, urn):
    result = runner.invoke(args=["schools", "add", urn, "New School"])

    assert result.exit_code == 1
    assert "A URN is 6 digits, like 123456." in result.output
    assert count(School) == 0
    assert count(AuditEvent) == 0


def test_users_add_with_a_password(runner):
    school = make_school("Northfield Academy", urn="123456")
    db.session.commit()

    result = runner.invoke(
        args=[
            "users",
            "add",
            "Lena.Lead@Example.org",
            "--role",
            "lead",
            "--school",
            "123456",
            "--password",
            PASSWORD,
            "--name",
            "Lena Lead",
        ]
    )

    assert result.exit_code == 0, result.output
    assert "Added Maths Progression Lead account lena.lead@example.org at Northfield Academy" in (
        result.output
    )
    assert PASSWORD not in result.output
    lead = account("lena.lead@example.org")
    assert (lead.role, lead.school_id, lead.name) == ("lead", school.id, "Lena Lead")
    assert verify_password(lead.password_hash, PASSWORD)
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.actor_id, event.actor_label) == ("user.create", None, COMMAND_LINE)
    assert "password_hash" not in event.after
    assert lead.password_hash not in str(event.after)


def test_users_add_without_a_password_prints_a_generated_one_once(runner):
    result = runner.invoke(args=["users", "add", "ada@example.org", "--role", "admin"])

    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "Password" in line]
    assert len(lines) == 1
    password = lines[0].rsplit(" ", 1)[1]
    assert len(password) >= 20
    assert result.output.count(password) == 1
    assert verify_password(account("ada@example.org").password_hash, password)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "teacher"], "Choose the school: Teacher accounts belong to one school."),
        (["--role", "lead", "--school", "999999"], "There is no school with URN 999999."),
        (
            ["--role", "evaluator", "--school", "123456"],
            "Leave the school empty: Evaluator accounts are not tied to a school.",
        ),
        (["--role", "admin", "--password", "short"], "Use at least 10 characters."),
    ],
)
def test_users_add_refuses_and_writes_nothing(runner, args, message):
    make_school(urn="123456")
    db.session.commit()

    result = runner.invoke(args=["users", "add", "pat@example.org", *args])

    assert result.exit_code == 1
    assert message in result.output
    assert count(User) == 0
    assert count(AuditEvent) == 0


def test_users_add_refuses_a_taken_email_whatever_its_case(runner):
    make_user("admin", email="taken@example.org")
    db.session.commit()

    result = runner.invoke(args=["users", "add", "TAKEN@example.org", "--role", "admin"])

    assert result.exit_code == 1
    assert "An account with this email already exists" in result.output
    assert count(User) == 1
    assert count(AuditEvent) == 0


def test_users_add_only_knows_the_four_roles(runner):
    result = runner.invoke(args=["users", "add", "pat@example.org", "--role", "student"])

    assert result.exit_code == 2
    assert "admin" in result.output and "evaluator" in result.output
    assert count(User) == 0
