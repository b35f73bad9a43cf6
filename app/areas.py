"""Extension points through which the areas (surveys, tracking and its sub-areas) add to the
shell: navigation items, sections and actions of the student page, actions of the group page,
and demo data. The shell never imports an area: each area's `init_app` registers what it adds,
and `create_app` is the one place that calls it.

A page action or section is a template of the area, included by the shell's page with the
page's own context (`student` on the student page, `group` on the group page).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask, current_app

from app import permissions
from app.models import STUDENT_STAFF, Role


@dataclass(frozen=True)
class NavItem:
    """A link of the main navigation, shown to the signed-in users whose role is in `roles`."""

    endpoint: str
    label: str
    roles: frozenset[Role]
    order: int = 100


@dataclass(frozen=True)
class StudentSection:
    """A section of the student page: `template` is rendered with `section` set to
    `load(student)`, a dict loaded in a fixed number of queries."""

    template: str
    load: Callable[[Any], dict]
    order: int = 100


@dataclass(frozen=True)
class PageAction:
    """A button or small form among a page's actions (the student page or the group page)."""

    template: str
    roles: frozenset[Role] = STUDENT_STAFF
    order: int = 100


@dataclass(frozen=True)
class DemoData:
    """Demo data an area adds after the shell's: `seed(today)` flushes, never commits;
    `logins()` returns extra lines for the printed demo logins."""

    seed: Callable[[date], None]
    logins: Callable[[], list[str]] = lambda: []
    order: int = 100


_KINDS = ("nav", "student_sections", "student_actions", "group_actions", "demo")


def _registry(app: Flask) -> dict[str, list]:
    return app.extensions.setdefault("areas", {kind: [] for kind in _KINDS})


def _add(app: Flask, kind: str, entry: Any) -> None:
    entries = _registry(app)[kind]
    entries.append(entry)
    entries.sort(key=lambda e: e.order)


def add_nav_item(app: Flask, item: NavItem) -> None:
    """Add a link to the main navigation."""
    _add(app, "nav", item)


def add_student_section(app: Flask, section: StudentSection) -> None:
    """Add a section to the student page."""
    _add(app, "student_sections", section)


def add_student_action(app: Flask, action: PageAction) -> None:
    """Add an action to the student page (rendered with `student`)."""
    _add(app, "student_actions", action)


def add_group_action(app: Flask, action: PageAction) -> None:
    """Add an action to the group page (rendered with `group`)."""
    _add(app, "group_actions", action)


def add_demo_data(app: Flask, demo: DemoData) -> None:
    """Add demo data seeded by `flask demo`."""
    _add(app, "demo", demo)


def nav_items(role: str) -> list[NavItem]:
    """Return the navigation items a user of `role` sees, in order: those for the role whose
    page the permission matrix lets the role open."""
    return [
        item
        for item in _registry(current_app)["nav"]
        if role in item.roles
        and permissions.allows(role, permissions.endpoint_action(item.endpoint) or "account.use")
    ]


def student_sections(student) -> list[tuple[str, dict]]:
    """Return (template, context) of each registered section for `student`, in order."""
    return [(s.template, s.load(student)) for s in _registry(current_app)["student_sections"]]


def page_actions(page: str, role: str) -> list[str]:
    """Return the templates of the actions on `page` ("student" or "group") for `role`."""
    return [a.template for a in _registry(current_app)[f"{page}_actions"] if role in a.roles]


def demo_data() -> list[DemoData]:
    """Return the registered demo data, in order."""
    return list(_registry(current_app)["demo"])
