"""Writes to groups and their members. Services flush and audit; views commit."""

from sqlalchemy import delete, select

from app import audit
from app.extensions import db
from app.models import Group, GroupMember, Student, User

GROUP_FIELDS = ("name", "kind")


class GroupNameTaken(ValueError):
    """Raised when the school already has a group of that name."""


def _check_name(school_id: int, name: str, group_id: int | None = None) -> None:
    stmt = select(Group.id).where(Group.school_id == school_id, Group.name == name)
    clash = db.session.scalar(stmt)
    if clash is not None and clash != group_id:
        raise GroupNameTaken(f"There is already a group called {name}")


def create_group(actor: User | None, school_id: int, name: str, kind: str) -> Group:
    """Create a group; raise GroupNameTaken if the school has one of that name."""
    name = name.strip()
    _check_name(school_id, name)
    group = Group(school_id=school_id, name=name, kind=kind)
    return audit.created(
        actor, "group.create", group, GROUP_FIELDS, summary=f"Created group {name}"
    )


def update_group(actor: User | None, group: Group, name: str, kind: str) -> None:
    """Rename a group or change its kind; raise GroupNameTaken on a clash."""
    name = name.strip()
    _check_name(group.school_id, name, group.id)
    audit.edited(
        actor,
        "group.update",
        group,
        GROUP_FIELDS,
        {"name": name, "kind": kind},
        summary=f"Edited group {name}",
    )


def delete_group(actor: User | None, group: Group) -> None:
    """Delete a group and its memberships (the students stay)."""
    members = [s.upn for s in group.students]
    audit.record(
        actor,
        "group.delete",
        group,
        summary=f"Deleted group {group.name}",
        before={**audit.snapshot(group, GROUP_FIELDS), "members": members},
    )
    db.session.delete(group)
    db.session.flush()


def add_members(actor: User | None, group: Group, students: list[Student]) -> list[Student]:
    """Add `students` (already scoped to the group's school) to `group`; return those added."""
    return add_memberships(actor, {group.id: students}).get(group.id, [])


def remove_member(actor: User | None, group: Group, student: Student) -> bool:
    """Remove `student` from `group`; return False if they were not in it."""
    result = db.session.execute(
        delete(GroupMember).where(
            GroupMember.group_id == group.id, GroupMember.student_id == student.id
        )
    )
    if not result.rowcount:
        return False
    audit.record(
        actor,
        "group.remove_member",
        group,
        summary=f"Removed {student.full_name} from {group.name}",
        before={"removed": student.upn},
    )
    db.session.expire(group, ["students"])
    return True


def add_memberships(
    actor: User | None, joining: dict[int, list[Student]]
) -> dict[int, list[Student]]:
    """Add students to groups (group id -> students of the group's school, those of another
    school and present members passed over) with one audit entry per group listing who
    joined, in a fixed number of statements whatever the number of groups. Returns the
    students added, by group id."""
    groups = {g.id: g for g in db.session.scalars(select(Group).where(Group.id.in_(joining)))}
    ids = {student.id for students in joining.values() for student in students}
    present = set(
        db.session.execute(
            select(GroupMember.group_id, GroupMember.student_id).where(
                GroupMember.group_id.in_(joining), GroupMember.student_id.in_(ids)
            )
        ).all()
    )
    added: dict[int, list[Student]] = {}
    for group_id, students in joining.items():
        group = groups[group_id]
        for student in students:
            if (group_id, student.id) not in present and student.school_id == group.school_id:
                present.add((group_id, student.id))
                added.setdefault(group_id, []).append(student)
    db.session.add_all(
        GroupMember(group_id=group_id, student_id=student.id)
        for group_id, students in added.items()
        for student in students
    )
    for group_id, students in added.items():
        group = groups[group_id]
        audit.record(
            actor,
            "group.add_members",
            group,
            summary=f"Added {len(students)} to {group.name}",
            after={"added": [s.upn for s in students]},
        )
        db.session.expire(group, ["students"])
    db.session.flush()
    return added
