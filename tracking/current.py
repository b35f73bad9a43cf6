"""The one rule for a record's current value.

A student's records of one thing (grades of one kind and qualification, the statuses of one
post-16 subject, destinations, one UCAS application) are kept as history; the current one is
the newest: the latest `recorded_on`, and of records of the same day the one entered last
(the highest id). Pure: it works on model rows and on plain entries alike.
"""

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def _order(record: Any) -> tuple:
    return (record.recorded_on, record.id)


def newest_first(records: Iterable[T]) -> list[T]:
    """Return the records newest first (the current one first, then its history)."""
    return sorted(records, key=_order, reverse=True)


def oldest_first(records: Iterable[T]) -> list[T]:
    """Return the records in the order they happened (a chart's line, left to right)."""
    return sorted(records, key=_order)


def newest(records: Iterable[T]) -> T | None:
    """Return the current record, or None if there is none."""
    return max(records, key=_order, default=None)


def newest_per(records: Iterable[T], key: Callable[[T], Hashable]) -> dict[Hashable, T]:
    """Return the current record of each `key` (a subject, a course at a provider), newest
    first."""
    current: dict[Hashable, T] = {}
    for record in newest_first(records):
        current.setdefault(key(record), record)
    return current


def newest_first_sql(model) -> tuple:
    """The ORDER BY of the same rule, for a query of `model` rows."""
    return (model.recorded_on.desc(), model.id.desc())
