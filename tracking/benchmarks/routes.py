"""Benchmark pages: the list (admins and evaluators, who may only read it), and adding,
editing and deleting a benchmark (admins). Ids travel in the query string or a hidden field,
as on the maths-related list: no page of a school's records is involved."""

from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user

from app.extensions import db
from app.permissions import permission_required
from app.web import number_arg, render, see_other
from tracking.benchmarks import services
from tracking.benchmarks.forms import BenchmarkForm, BenchmarkIdForm

bp = Blueprint("benchmarks", __name__, url_prefix="/benchmarks", template_folder="templates")


@bp.get("/")
@permission_required("benchmarks.view")
def index():
    return render(
        "benchmarks/index.html",
        benchmarks=services.all_benchmarks(),
        warning_for=services.warning_for,
        measure_title=services.measure_title,
        action_form=BenchmarkIdForm(formdata=None),
    )


def _form_page(form: BenchmarkForm, benchmark=None, status: int = 200):
    page = render("benchmarks/form.html", form=form, benchmark=benchmark)
    return page, status


def _save(form: BenchmarkForm, benchmark=None):
    """Validate and save `form` (a new benchmark, or `benchmark` changed), then go back to
    the list; or the form again with its messages (422), nothing written."""
    if form.validate_on_submit():
        try:
            if benchmark is None:
                saved = services.add(current_user, form.data_for_service())
                message = f"Added the benchmark {services.describe(saved)}."
            else:
                changed = services.edit(current_user, benchmark, form.data_for_service())
                message = (
                    f"Saved the benchmark {services.describe(benchmark)}."
                    if changed
                    else "Nothing to save: the benchmark is unchanged."
                )
        except services.BenchmarkError as error:
            db.session.rollback()
            field = form[error.field]
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            flash(message, "success")
            return see_other(url_for("benchmarks.index"))
    return _form_page(form, benchmark, 422)


@bp.get("/new")
@permission_required("benchmarks.manage")
def new():
    return _form_page(BenchmarkForm(formdata=None))


@bp.post("/new")
@permission_required("benchmarks.manage")
def create():
    return _save(BenchmarkForm())


def _benchmark_or_404():
    benchmark = services.find(number_arg(request.args.get("benchmark")))
    if benchmark is None:
        abort(404)
    return benchmark


@bp.get("/edit")
@permission_required("benchmarks.manage")
def edit():
    benchmark = _benchmark_or_404()
    return _form_page(BenchmarkForm.for_benchmark(benchmark), benchmark)


@bp.post("/edit")
@permission_required("benchmarks.manage")
def save():
    return _save(BenchmarkForm(), _benchmark_or_404())


@bp.post("/delete")
@permission_required("benchmarks.manage")
def delete():
    form = BenchmarkIdForm()
    benchmark_id = number_arg(form.benchmark.data)
    if not form.validate_on_submit() or benchmark_id is None:
        abort(400)
    benchmark = services.find(benchmark_id)
    if benchmark is None:
        flash("That benchmark was already deleted.", "error")
    else:
        description = services.describe(benchmark)
        services.delete(current_user, benchmark)
        db.session.commit()
        flash(f"Deleted the benchmark {description}.", "success")
    return see_other(url_for("benchmarks.index"))
