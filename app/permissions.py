"""Who may do what: the one permission matrix. Every route that needs a signed-in user names
the action it performs with `permission_required`; templates ask `can(action)` to hide what
a user may not use (a hidden button is a convenience: the route's check is the rule).

Actions are about roles only. Which records a user may touch is scoping (`app.access`:
another school's record is a 404), and what belongs to one school needs an account of one
school (`app.access.own_school`). The README's "Who may do what" table is `markdown_table()`
(a test compares them).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import abort, current_app
from flask_login import current_user, login_required

from app.models import Role


@dataclass(frozen=True)
class Action:
    """A named action, what it covers (for the README) and the roles that may do it."""

    name: str
    description: str
    roles: frozenset[Role]


ADMIN, LEAD, TEACHER, EVALUATOR = Role.ADMIN, Role.LEAD, Role.TEACHER, Role.EVALUATOR
EVERYONE = frozenset(Role)
LEADS = frozenset({ADMIN, LEAD})
SCHOOL_STAFF = frozenset({ADMIN, LEAD, TEACHER})

_ACTIONS = (
    Action("account.use", "Sign in, open the home page, sign out", EVERYONE),
    Action("programme.view", "See every school's figures (the schools page)", {ADMIN, EVALUATOR}),
    Action("schools.manage", "Add schools", {ADMIN}),
    Action(
        "subjects.manage",
        "Edit the list of maths-related degree subjects (outcome 5)",
        {ADMIN},
    ),
    Action(
        "benchmarks.view",
        "See the benchmark figures shown beside the outcomes, with their sources",
        {ADMIN, EVALUATOR},
    ),
    Action("benchmarks.manage", "Add, edit and delete benchmark figures", {ADMIN}),
    Action("staff.manage", "List, add and (de)activate staff accounts", LEADS),
    Action("audit.view", "Read the audit log", {ADMIN}),
    Action(
        "students.view",
        "See the roster, a student's page, profile, timeline and who needs attention",
        SCHOOL_STAFF,
    ),
    Action("students.edit", "Add students and edit their details", LEADS),
    Action("students.mark_target", "Mark or unmark target students", LEADS),
    Action("students.move", "Move a student to another school", {ADMIN}),
    Action("groups.view", "See groups and their members", SCHOOL_STAFF),
    Action("groups.manage", "Create and rename groups, add and remove members", SCHOOL_STAFF),
    Action("groups.delete", "Delete groups", LEADS),
    Action("imports.run", "Import the roster from the school MIS", LEADS),
    Action(
        "sessions.run", "Open, watch and close survey sessions; see their answers", SCHOOL_STAFF
    ),
    Action("interventions.view", "See interventions (support given)", SCHOOL_STAFF),
    Action("interventions.manage", "Record, edit and delete interventions", SCHOOL_STAFF),
    Action("registers.take", "Take an intervention's register", SCHOOL_STAFF),
    Action(
        "grades.enter",
        "Enter grades and progression records (timeline, results day, grades import)",
        SCHOOL_STAFF,
    ),
    Action("login_cards.print", "Print a group's survey login cards", LEADS),
    Action("profiles.export", "Download PDF profiles and export them in bulk", SCHOOL_STAFF),
    Action("profiles.sensitive", "Include sensitive flags (PP, FSM, LAC, SEN) in profiles", LEADS),
)

ACTIONS: dict[str, Action] = {
    a.name: Action(a.name, a.description, frozenset(a.roles)) for a in _ACTIONS
}


def roles_for(action: str) -> frozenset[Role]:
    """Return the roles that may do `action`; an unknown action is a KeyError, never a no."""
    return ACTIONS[action].roles


def allows(role: Role | str | None, action: str) -> bool:
    """Return whether a user of `role` may do `action`."""
    roles = roles_for(action)
    return role is not None and role in roles


def can(user, action: str) -> bool:
    """Return whether `user` (signed in or not) may do `action`."""
    if user is None or not getattr(user, "is_authenticated", False):
        roles_for(action)  # still refuse a misspelt action loudly
        return False
    return allows(user.role, action)


def can_current(action: str) -> bool:
    """`can` for the signed-in user: the templates' `can('groups.delete')`."""
    return can(current_user, action)


def permission_required(action: str) -> Callable:
    """Require a signed-in user who may do `action`: others are sent to sign in, and a
    signed-in user without it gets 403. The view keeps its action as `.permission`."""
    roles_for(action)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = action
        return wrapped

    return decorator


def require(action: str) -> None:
    """Abort with 403 unless the signed-in user may do `action` (for a choice inside a route,
    like asking for sensitive flags)."""
    if not can(current_user, action):
        abort(403)


def endpoint_action(endpoint: str) -> str | None:
    """Return the action a route's view requires, or None for a public one."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "permission", None)


def markdown_table() -> str:
    """The README's table: one row per action, a column per role."""
    roles = list(Role)
    lines = [
        "| action | what it covers | " + " | ".join(r.value for r in roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for a in ACTIONS.values():
        marks = " | ".join("yes" if r in a.roles else "—" for r in roles)
        lines.append(f"| `{a.name}` | {a.description} | {marks} |")
    return "\n".join(lines)
