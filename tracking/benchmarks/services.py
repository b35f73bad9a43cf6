"""Benchmark figures in the database: the list, the figures beside each outcome (for the
outcomes page), and adding, editing and deleting them (audited; nothing here commits).

A benchmark is shown beside a figure of ours, never mixed into one: nothing in
tracking.outcomes or the outcomes command reads this table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import audit
from app.extensions import db
from app.models import User
from tracking import definitions
from tracking.benchmarks.models import Benchmark

DIFFERS = "Not the same definition as ours"


class BenchmarkError(ValueError):
    """A benchmark that cannot be saved, with a message fit for the user and the field it
    is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class BenchmarkView:
    """A benchmark as the outcomes page shows it beside a figure: `warning` is the text to
    show when its definition differs from ours (None when it matches)."""

    id: int
    measure: str | None
    value: float
    year: int
    geography: str
    population: str
    definition: str
    source: str
    source_url: str | None
    warning: str | None

    @property
    def label(self) -> str:
        """ "20.0% (England, 2019)", as shown beside a figure."""
        return f"{self.value:.1f}% ({self.geography}, {self.year})"


def warning_for(benchmark: Benchmark) -> str | None:
    """The warning shown beside a benchmark whose definition differs from ours, or None."""
    if benchmark.matches_our_definition:
        return None
    note = (benchmark.difference or "").strip()
    return f"{DIFFERS}: {note}" if note else f"{DIFFERS}."


def view(benchmark: Benchmark) -> BenchmarkView:
    """The benchmark as the outcomes page shows it."""
    return BenchmarkView(
        id=benchmark.id,
        measure=benchmark.measure,
        value=float(benchmark.value),
        year=benchmark.year,
        geography=benchmark.geography,
        population=benchmark.population,
        definition=benchmark.definition,
        source=benchmark.source,
        source_url=benchmark.source_url,
        warning=warning_for(benchmark),
    )


def _ordered():
    return select(Benchmark).order_by(
        Benchmark.year.desc(), Benchmark.geography, Benchmark.value, Benchmark.id
    )


def all_benchmarks() -> list[Benchmark]:
    """Every benchmark, newest year first (one query, with who made and changed each)."""
    stmt = _ordered().options(
        selectinload(Benchmark.created_by), selectinload(Benchmark.updated_by)
    )
    return list(db.session.scalars(stmt))


def benchmarks_by_measure() -> dict[str | None, list[BenchmarkView]]:
    """Every benchmark as the outcomes page shows it, by the definition id it sits beside
    (None: beside no figure, for the benchmarks list only), newest year first. One query."""
    found: dict[str | None, list[BenchmarkView]] = {}
    for benchmark in db.session.scalars(_ordered()):
        found.setdefault(benchmark.measure, []).append(view(benchmark))
    return found


def benchmarks_for(definition_id: str) -> list[BenchmarkView]:
    """The benchmarks shown beside the figure of `definition_id` (a tracking.definitions id),
    newest year first. One query; a page showing several figures should call
    `benchmarks_by_measure` once instead. Raises KeyError for an unknown definition id."""
    definitions.definition(definition_id)
    stmt = _ordered().where(Benchmark.measure == definition_id)
    return [view(benchmark) for benchmark in db.session.scalars(stmt)]


def measure_title(measure: str | None) -> str:
    """What a measure is called on the pages: the definition's title, or "None"."""
    if measure is None:
        return "None (shown in this list only)"
    known = definitions.BY_ID.get(measure)
    return known.title if known else measure


def _checked(data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a benchmark from checked form data; a measure that is no definition of
    ours, or a differing definition without its note, is a BenchmarkError."""
    clean = {name: data[name] for name in Benchmark.FIELDS if name in data}
    measure = clean.get("measure")
    if measure is not None and measure not in definitions.BY_ID:
        raise BenchmarkError(
            "measure", f"Unknown measure '{measure}': choose one of our figures, or none"
        )
    if clean.get("matches_our_definition"):
        clean["difference"] = None
    elif not (clean.get("difference") or "").strip():
        raise BenchmarkError("difference", "Say how their definition differs from ours")
    return clean


def add(actor: User | None, data: Mapping[str, Any]) -> Benchmark:
    """Add a benchmark from checked form data (audited); raises BenchmarkError."""
    clean = _checked(data)
    actor_id = actor.id if actor else None
    benchmark = Benchmark(**clean, created_by_id=actor_id, updated_by_id=actor_id)
    return audit.created(
        actor,
        "benchmark.add",
        benchmark,
        Benchmark.FIELDS,
        summary=f"Added the benchmark {describe(benchmark)}",
    )


def edit(actor: User | None, benchmark: Benchmark, data: Mapping[str, Any]) -> bool:
    """Change a benchmark (audited, before and after); returns False when nothing changed.
    Raises BenchmarkError."""
    clean = _checked(data)
    changed = audit.edited(
        actor,
        "benchmark.edit",
        benchmark,
        Benchmark.FIELDS,
        clean,
        summary=f"Changed the benchmark {describe(benchmark)}",
    )
    if changed:
        benchmark.updated_by_id = actor.id if actor else None
        db.session.flush()
    return changed


def delete(actor: User | None, benchmark: Benchmark) -> None:
    """Delete a benchmark; the audit log keeps what it said."""
    audit.record(
        actor,
        "benchmark.delete",
        benchmark,
        summary=f"Deleted the benchmark {describe(benchmark)}",
        before=audit.snapshot(benchmark, Benchmark.FIELDS),
    )
    db.session.delete(benchmark)
    db.session.flush()


def describe(benchmark: Benchmark) -> str:
    """ "20.0% (England, 2019) beside GCSE Maths grade 7-9 (KS4 result)", for messages."""
    beside = measure_title(benchmark.measure) if benchmark.measure else "no figure of ours"
    return (
        f"{float(benchmark.value):.1f}% ({benchmark.geography}, {benchmark.year}) beside {beside}"
    )


def find(benchmark_id: int | None) -> Benchmark | None:
    """The benchmark with this id, or None."""
    if benchmark_id is None:
        return None
    return db.session.get(Benchmark, benchmark_id)
