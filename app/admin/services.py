"""Writes to schools and staff accounts. Services check the rules, flush, record the audit
event and never commit; the web views and the command line both go through them."""

import re

from sqlalchemy import func, select

from app import audit
from app.access import EMAIL_NOT_HERE
from app.auth.services import end_all_sessions
from app.extensions import db
from app.models import Role, School, User
from app.passwords import hash_password, password_problem

SCHOOL_FIELDS = ("urn", "name")
# Never the password hash: the audit log is read by people who must not see it.
USER_FIELDS = ("email", "name", "role", "school_id", "active")
NAME_MAX = 200
EMAIL_MAX = 254
_URN = re.compile(r"[0-9]{6}")
# Deliberately loose: the only real check of an address is a message reaching it.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class AdminError(ValueError):
    """Raised by a service when the request breaks a rule; `problems` maps field to message."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(" ".join(problems.values()))
        self.problems = problems


def normalise_email(email: str | None) -> str:
    """Return `email` trimmed and lower-cased, the form in which accounts store it."""
    return (email or "").strip().lower()


def urn_problem(urn: str | None) -> str | None:
    """Return why `urn` cannot be a new school's URN (malformed or taken), or None."""
    if not _URN.fullmatch(urn or ""):
        return "A URN is 6 digits, like 123456."
    existing = db.session.scalar(select(School).where(School.urn == urn))
    if existing is not None:
        return f"URN {urn} is already used by {existing.name}."
    return None


def school_name_problem(name: str | None) -> str | None:
    """Return why `name` cannot be a school's name, or None."""
    if not (name or "").strip():
        return "Enter the school's name."
    if len(name.strip()) > NAME_MAX:
        return f"Use at most {NAME_MAX} characters."
    return None


def email_problem(email: str | None, actor: User | None = None) -> str | None:
    """Return why `email` cannot be a new account's email (malformed or taken), or None.

    A taken address is named as such only to whoever may see the account that has it (an
    admin, the command line, a lead for their own school's staff); anyone else gets the same
    words wherever the account is, so nothing is learnt about another school."""
    email = normalise_email(email)
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        return "Enter an email address like name@school.org.uk."
    taken = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if taken is None:
        return None
    if actor is None or actor.role == Role.ADMIN:
        return "An account with this email already exists."
    if actor.role == Role.LEAD and actor.school_id and taken.school_id == actor.school_id:
        return "An account with this email already exists at your school."
    return EMAIL_NOT_HERE


def school_choice_problem(role: Role, school_id: int | None) -> str | None:
    """Return why an account with `role` cannot belong to `school_id`, or None."""
    if role.needs_school and school_id is None:
        return f"Choose the school: {role.label} accounts belong to one school."
    if not role.needs_school and school_id is not None:
        return f"Leave the school empty: {role.label} accounts are not tied to a school."
    if school_id is not None and db.session.get(School, school_id) is None:
        return "Choose a school from the list."
    return None


def may_create_user(actor: User | None, role: Role, school_id: int | None) -> bool:
    """Admins (and the command line) create any account; a lead only teachers of their school."""
    if actor is None or actor.role == Role.ADMIN:
        return True
    return (
        actor.role == Role.LEAD
        and actor.school_id is not None
        and role == Role.TEACHER
        and school_id == actor.school_id
    )


def may_change_status(actor: User | None, account: User) -> bool:
    """Admins may (de)activate any account but their own; a lead, teachers of their school."""
    if actor is None:
        return True
    if actor.id == account.id:
        return False
    if actor.role == Role.ADMIN:
        return True
    return (
        actor.role == Role.LEAD
        and account.role == Role.TEACHER
        and actor.school_id is not None
        and account.school_id == actor.school_id
    )


def create_school(actor: User | None, urn: str, name: str) -> School:
    """Add a school. Raises AdminError if the URN is malformed or taken or the name is unusable."""
    urn, name = (urn or "").strip(), (name or "").strip()
    problems = {
        field: problem
        for field, problem in (("urn", urn_problem(urn)), ("name", school_name_problem(name)))
        if problem
    }
    if problems:
        raise AdminError(problems)
    school = School(urn=urn, name=name)
    db.session.add(school)
    db.session.flush()  # the event is the new school's own: it needs its id
    return audit.created(
        actor,
        "school.create",
        school,
        SCHOOL_FIELDS,
        school_id=school.id,
        summary=f"Added school {school.name} (URN {school.urn})",
    )


def create_user(
    actor: User | None,
    *,
    email: str,
    name: str,
    role: Role | str,
    school_id: int | None,
    password: str,
) -> User:
    """Add a staff account with a hashed password.

    Raises AdminError if a field breaks a rule (email taken, school missing or not allowed for
    the role, weak password) and PermissionError if `actor` may not create this account.
    """
    role = Role(role)
    if not may_create_user(actor, role, school_id):
        raise PermissionError("This account cannot create that kind of account.")
    email, name = normalise_email(email), (name or "").strip()
    problems = {
        field: problem
        for field, problem in (
            ("email", email_problem(email, actor)),
            ("name", f"Use at most {NAME_MAX} characters." if len(name) > NAME_MAX else None),
            ("school", school_choice_problem(role, school_id)),
            ("password", password_problem(password or "")),
        )
        if problem
    }
    if problems:
        raise AdminError(problems)
    user = User(
        email=email,
        name=name,
        role=role.value,
        school_id=school_id,
        password_hash=hash_password(password),
        active=True,
        session_version=1,
    )
    return audit.created(
        actor, "user.create", user, USER_FIELDS, summary=f"Added {role.label} account {user.email}"
    )


def set_active(actor: User | None, account: User, active: bool) -> bool:
    """Activate or deactivate `account`; return False if it already was.

    Deactivating ends every session of the account at once. Raises PermissionError if
    `actor` may not change this account.
    """
    if not may_change_status(actor, account):
        raise PermissionError("This account cannot change that account.")
    if account.active == active:
        return False
    account.active = active
    if not active:
        end_all_sessions(account)
    db.session.flush()
    audit.record(
        actor,
        "user.reactivate" if active else "user.deactivate",
        account,
        summary=f"{'Reactivated' if active else 'Deactivated'} account {account.email}",
        before={"active": not active},
        after={"active": active},
    )
    return True
