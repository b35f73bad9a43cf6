"""Groups (maths sets, booster groups) and their members, edited inline."""

from datetime import date

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.access import get_or_404, own_school, scoped
from app.extensions import db
from app.groups import services
from app.groups.forms import GroupForm
from app.models import Group, GroupMember, Student
from app.permissions import permission_required, require
from app.students.queries import RosterFilters, apply_filters
from app.web import number_arg, render, render_fragments, see_other, text_arg

bp = Blueprint("groups", __name__, url_prefix="/groups")
CANDIDATE_LIMIT = 20


@bp.route("/", methods=["GET", "POST"])
@permission_required("groups.view")
def index():
    form = GroupForm()
    if request.method == "POST":
        require("groups.manage")
    if form.validate_on_submit():
        school = own_school(current_user)
        try:
            group = services.create_group(current_user, school.id, form.name.data, form.kind.data)
        except services.GroupNameTaken as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Created {group.name}. Add its students below.", "success")
            return see_other(url_for("groups.show", group_id=group.id))
    counts = (
        select(GroupMember.group_id, func.count().label("n"))
        .group_by(GroupMember.group_id)
        .subquery()
    )
    rows = db.session.execute(
        scoped(current_user, Group)
        .add_columns(func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.group_id == Group.id)
        .options(selectinload(Group.school))
        .order_by(Group.name)
    ).all()
    return render("groups/index.html", rows=rows, form=form)


def _candidates(group: Group, q: str) -> list[Student]:
    if not q.strip():
        return []
    members = select(GroupMember.student_id).where(GroupMember.group_id == group.id)
    stmt = scoped(current_user, Student).where(
        Student.school_id == group.school_id, Student.id.not_in(members)
    )
    stmt = apply_filters(stmt, RosterFilters(q=q), date.today()).limit(CANDIDATE_LIMIT)
    return list(db.session.scalars(stmt))


def _membership_fragments(group: Group) -> str:
    """The members table, and the search results (out of band) so they stay in step."""
    q = text_arg(request.form.get("q"))
    return render_fragments(
        "groups/show.html",
        ["members", "candidates"],
        group=group,
        q=q,
        candidates=_candidates(group, q),
        oob=True,
        today=date.today(),
    )


@bp.get("/<int:group_id>")
@permission_required("groups.view")
def show(group_id: int):
    group = get_or_404(current_user, Group, group_id)
    q = text_arg(request.args.get("q"))
    return render(
        "groups/show.html",
        "candidates" if request.args.get("fragment") == "candidates" else None,
        group=group,
        q=q,
        candidates=_candidates(group, q),
        form=GroupForm(obj=group),
        today=date.today(),
    )


@bp.post("/<int:group_id>/edit")
@permission_required("groups.manage")
def edit(group_id: int):
    group = get_or_404(current_user, Group, group_id)
    form = GroupForm()
    if form.validate_on_submit():
        try:
            services.update_group(current_user, group, form.name.data, form.kind.data)
        except services.GroupNameTaken as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash("Saved the group.", "success")
            return see_other(url_for("groups.show", group_id=group.id))
    db.session.rollback()
    return render(
        "groups/show.html", group=group, q="", candidates=[], form=form, today=date.today()
    ), 422


@bp.post("/<int:group_id>/delete")
@permission_required("groups.delete")
def delete(group_id: int):
    group = get_or_404(current_user, Group, group_id)
    name = group.name
    services.delete_group(current_user, group)
    db.session.commit()
    flash(f"Deleted the group {name}. Its students are still on the roster.", "success")
    return see_other(url_for("groups.index"))


@bp.post("/<int:group_id>/members")
@permission_required("groups.manage")
def add_members(group_id: int):
    group = get_or_404(current_user, Group, group_id)
    ids = [i for i in map(number_arg, request.form.getlist("student_id")) if i is not None]
    if not ids:
        abort(400)
    students = list(
        db.session.scalars(
            scoped(current_user, Student).where(
                Student.id.in_(ids), Student.school_id == group.school_id
            )
        )
    )
    if len(students) != len(set(ids)):
        abort(404)
    added = services.add_members(current_user, group, students)
    db.session.commit()
    if request.htmx:
        return _membership_fragments(group)
    names = ", ".join(s.full_name for s in added) or "Nobody new"
    flash(f"Added to {group.name}: {names}.", "success")
    return see_other(url_for("groups.show", group_id=group.id))


@bp.post("/<int:group_id>/members/<int:student_id>/remove")
@permission_required("groups.manage")
def remove_member(group_id: int, student_id: int):
    group = get_or_404(current_user, Group, group_id)
    student = get_or_404(current_user, Student, student_id)
    services.remove_member(current_user, group, student)
    db.session.commit()
    if request.htmx:
        return _membership_fragments(group)
    flash(f"Removed {student.full_name} from {group.name}.", "success")
    return see_other(url_for("groups.show", group_id=group.id))
