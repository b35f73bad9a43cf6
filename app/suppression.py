"""Small-number suppression for figures shown to evaluators or in shareable outputs.

Pure: no Flask, no database. Callers pass counts and get back what may be shown; the rules
and their sources are in docs/suppression.md.

- **Primary suppression.** A count from 1 to `below - 1` (1 to 4 with the default
  `SUPPRESS_BELOW` of 5) is hidden and shown as "<5". Zero is always shown, as in ONS and DfE
  tables: a zero says no student has the characteristic, and hiding it would protect nobody.
- **Secondary suppression.** A table's totals tie its cells together: each row with its row
  total, each column with its column total, the row of column totals with the grand total and
  the column of row totals likewise. Each such equation is a *line*; a total is a cell of its
  line and may be hidden too. A line is unsafe while one of its hidden cells could be worked
  out from that line alone: when it has exactly one hidden cell (subtract the visible cells
  from the total), or when the bounds the marks give away pin a cell down (a "<5" is 1 to 4,
  a "c" is at least 5: "<5" and "c" beside a total of 6 can only be 1 and 5). While a line is
  unsafe, one more of its cells is hidden (marked "c"): a visible non-zero cell, preferring
  one that lies on another unsafe line (it mends both), then the smallest, then the first in
  reading order (cells before totals). Zeros are never hidden. This repeats until every line
  is safe, so every line has no hidden cell or at least two; a line whose non-zero cells are
  all hidden and still pinned down (four "<5" making a "<5" total are all 1) makes the
  result's `safe` False, and the table should then not be shown.
- **Shares.** A percentage over fewer than `min_denominator` (10) students is withheld
  ("—", "fewer than 10 students"), as is one whose numerator or denominator is hidden.

A cross-tab (school × cohort with totals) is `suppress(counts, row_totals, column_totals,
grand_total)`. The outcomes funnel, per outcome column (numerator, denominator, unknown,
assumed no), has the groups target / other disadvantaged / others as rows and "all" as the
column totals: `suppress(rows_of_three_groups, column_totals=all_row)`. Only the equations
given here are protected: a caller that shows another sum of cells must pass it as a total.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SUPPRESS_BELOW = 5
MIN_DENOMINATOR = 10
SECONDARY_MARK = "c"
WITHHELD_MARK = "—"

SHOWN, SMALL, SECONDARY = "shown", "small", "secondary"


@dataclass(frozen=True)
class Cell:
    """One count as it may be shown: `status` is "shown", "small" (a count from 1 to
    below - 1, hidden) or "secondary" (hidden so that a small count cannot be worked out)."""

    value: int
    status: str = SHOWN
    below: int = SUPPRESS_BELOW

    @property
    def hidden(self) -> bool:
        return self.status != SHOWN

    @property
    def shown(self) -> int | None:
        """The count when it may be shown, None when it is hidden (for exports)."""
        return None if self.hidden else self.value

    @property
    def display(self) -> str:
        """The count, "<5" for a small count, "c" for a cell hidden to protect one."""
        if self.status == SMALL:
            return f"<{self.below}"
        if self.status == SECONDARY:
            return SECONDARY_MARK
        return str(self.value)

    @property
    def explanation(self) -> str | None:
        """Why the cell is hidden, in words for a tooltip or a table's notes; None if shown."""
        if self.status == SMALL:
            return f"between 1 and {self.below - 1} students: hidden to protect them"
        if self.status == SECONDARY:
            return "hidden so that a small number cannot be worked out from a total"
        return None


@dataclass(frozen=True)
class SuppressedTable:
    """A table after suppression, in the shape it was given (totals None when not given)."""

    cells: list[list[Cell]]
    row_totals: list[Cell] | None
    column_totals: list[Cell] | None
    grand_total: Cell | None
    # False when a line could be worked out even with every non-zero cell of it hidden (four
    # "<5" cells adding up to a "<5" total are all 1): show none of the table then.
    safe: bool = True

    def all_cells(self) -> list[Cell]:
        """Every cell, the table's first, then row totals, column totals and grand total."""
        found = [cell for row in self.cells for cell in row]
        found += (self.row_totals or []) + (self.column_totals or [])
        return found + ([self.grand_total] if self.grand_total is not None else [])


@dataclass(frozen=True)
class Share:
    """A percentage that may be shown: `value` (0 to 1) or None when it is withheld, with why."""

    value: float | None
    reason: str | None = None

    @property
    def display(self) -> str:
        """Whole percentages ("43%"), or "—" when withheld."""
        return WITHHELD_MARK if self.value is None else f"{self.value:.0%}"


def share_or_withheld(
    numerator: int | Cell, denominator: int | Cell, min_denominator: int = MIN_DENOMINATOR
) -> Share:
    """Return numerator / denominator, or a withheld share with its reason: no students,
    fewer than `min_denominator` students, or a numerator or denominator that is hidden
    (the share would give it back)."""
    if isinstance(numerator, Cell) or isinstance(denominator, Cell):
        num = numerator if isinstance(numerator, Cell) else Cell(numerator)
        den = denominator if isinstance(denominator, Cell) else Cell(denominator)
        if num.hidden or den.hidden:
            return Share(None, "withheld: it would show a hidden count")
        numerator, denominator = num.value, den.value
    if denominator <= 0:
        return Share(None, "no students")
    if denominator < min_denominator:
        return Share(None, f"fewer than {min_denominator} students")
    return Share(numerator / denominator)


def suppress(
    table: Sequence[Sequence[int]],
    row_totals: Sequence[int] | None = None,
    column_totals: Sequence[int] | None = None,
    grand_total: int | None = None,
    below: int = SUPPRESS_BELOW,
) -> SuppressedTable:
    """Return the table with small counts and the cells that would give them away hidden.

    Totals not given are not shown, so tie nothing. Raises ValueError when the table is not
    rectangular, a count is negative or not whole, or a total is not the sum of its line."""
    values, lines, shape = _layout(table, row_totals, column_totals, grand_total)
    if below < 1:
        raise ValueError(f"the suppression threshold must be 1 or more, not {below}")
    status = [SMALL if 0 < value < below else SHOWN for value in values]
    stuck: set[int] = set()
    while True:
        unsafe = [
            i
            for i, line in enumerate(lines)
            if i not in stuck and _unsafe(line, values, status, below)
        ]
        if not unsafe:
            break
        line_number = unsafe[0]
        others = {cell for i in unsafe[1:] for cell in _cells(lines[i])}
        candidates = [c for c in _cells(lines[line_number]) if status[c] == SHOWN and values[c] > 0]
        if not candidates:
            stuck.add(line_number)  # nothing left to hide: the line is as safe as it can be
            continue
        chosen = min(candidates, key=lambda c: (c not in others, values[c], c))
        status[chosen] = SECONDARY
    return _rebuild(values, status, shape, below, safe=not stuck)


# A line: (members, total), indices into the flat list of cells; sum(members) == total.
Line = tuple[list[int], int]


def _cells(line: Line) -> list[int]:
    members, total = line
    return [*members, total]


def _bounds(value_status: str, below: int) -> tuple[float, float]:
    """What a reader knows of a cell from its mark alone."""
    if value_status == SMALL:
        return 1, below - 1
    return below, math.inf  # "c": a non-zero count that was not small


def _unsafe(line: Line, values: list[int], status: list[str], below: int) -> bool:
    """True when a hidden cell of the line can be worked out from the line alone: its range,
    given the visible cells and the bounds of the other hidden cells, is a single number."""
    members, total = line
    signed = [(c, 1) for c in members] + [(total, -1)]
    hidden = [(c, sign) for c, sign in signed if status[c] != SHOWN]
    if not hidden:
        return False
    # sum over hidden of sign * value == known
    known = -sum(sign * values[c] for c, sign in signed if status[c] == SHOWN)
    bounds = {c: _bounds(status[c], below) for c, _ in hidden}
    for cell, sign in hidden:
        low_rest = high_rest = 0.0
        for other, other_sign in hidden:
            if other == cell:
                continue
            low, high = bounds[other]
            low_rest += low if other_sign > 0 else -high
            high_rest += high if other_sign > 0 else -low
        # sign * x == known - rest
        if sign > 0:
            low, high = known - high_rest, known - low_rest
        else:
            low, high = low_rest - known, high_rest - known
        own_low, own_high = bounds[cell]
        if max(low, own_low) >= min(high, own_high):
            return True
    return False


def _layout(table, row_totals, column_totals, grand_total):
    """Check the table and number its cells: table cells first (row by row), then row
    totals, column totals and the grand total; return the values, the lines and the shape."""
    rows = [list(row) for row in table]
    width = len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows):
        raise ValueError("every row of the table must have the same number of cells")
    values = [value for row in rows for value in row]
    lines: list[Line] = []
    row_start = len(values)
    if row_totals is not None:
        if len(row_totals) != len(rows):
            raise ValueError("there must be one row total for each row")
        values += list(row_totals)
    column_start = len(values)
    if column_totals is not None:
        if len(column_totals) != width:
            raise ValueError("there must be one column total for each column")
        values += list(column_totals)
    grand = None
    if grand_total is not None:
        grand = len(values)
        values.append(grand_total)
    for value in values:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"counts must be whole numbers of 0 or more, not {value!r}")
    if row_totals is not None:
        lines += [([r * width + j for j in range(width)], row_start + r) for r in range(len(rows))]
        if grand is not None:
            lines.append(([row_start + r for r in range(len(rows))], grand))
    if column_totals is not None:
        lines += [
            ([r * width + j for r in range(len(rows))], column_start + j) for j in range(width)
        ]
        if grand is not None:
            lines.append(([column_start + j for j in range(width)], grand))
    if grand is not None and row_totals is None and column_totals is None:
        lines.append((list(range(len(rows) * width)), grand))
    for members, total in lines:
        if sum(values[c] for c in members) != values[total]:
            raise ValueError(f"a total of {values[total]} is not the sum of its line")
    return values, lines, (len(rows), width, row_totals is not None, column_totals is not None)


def _rebuild(values, status, shape, below, safe: bool) -> SuppressedTable:
    height, width, has_rows, has_columns = shape
    cells = [Cell(value, state, below) for value, state in zip(values, status, strict=True)]
    table = [cells[r * width : (r + 1) * width] for r in range(height)]
    at = height * width
    row_totals = cells[at : at + height] if has_rows else None
    at += height if has_rows else 0
    column_totals = cells[at : at + width] if has_columns else None
    at += width if has_columns else 0
    grand = cells[at] if at < len(cells) else None
    return SuppressedTable(table, row_totals, column_totals, grand, safe)
