"""Small-number suppression (app.suppression) on hand-built tables, and a property test on
random ones: no hidden count can be worked out from a total and its neighbours."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.config import ConfigError, from_environment
from app.suppression import Cell, share_or_withheld, suppress


def grid(result) -> list[list[str]]:
    """What a reader sees: each row with its total, then the column totals with the grand."""
    rows = [[cell.display for cell in row] for row in result.cells]
    if result.row_totals:
        rows = [row + [total.display] for row, total in zip(rows, result.row_totals, strict=True)]
    if result.column_totals:
        last = [cell.display for cell in result.column_totals]
        rows.append(last + ([result.grand_total.display] if result.grand_total else []))
    return rows


def cross_tab(table):
    """The table with every total: row totals, column totals and the grand total."""
    row_totals = [sum(row) for row in table]
    column_totals = [sum(column) for column in zip(*table, strict=True)]
    return suppress(table, row_totals, column_totals, sum(row_totals))


def test_counts_of_1_to_4_show_as_under_5_and_zero_and_5_show_as_they_are():
    result = suppress([[0, 1, 4, 5, 17]])  # no totals: nothing ties the cells together
    assert grid(result) == [["0", "<5", "<5", "5", "17"]]
    assert result.cells[0][1].shown is None and result.cells[0][3].shown == 5
    assert result.cells[0][1].explanation == "between 1 and 4 students: hidden to protect them"


def test_the_threshold_sets_both_the_rule_and_the_mark():
    assert grid(suppress([[1, 2, 3, 10]], below=3)) == [["<3", "<3", "3", "10"]]
    assert grid(suppress([[1, 2, 3]], below=1)) == [["1", "2", "3"]]


def test_a_single_small_count_beside_its_total_takes_its_smallest_neighbour_with_it():
    # 3 alone hidden would be 32 - 9 - 20; hiding 9 as well leaves 3 + 9 = 12, two unknowns.
    result = suppress([[3, 9, 20]], row_totals=[32])
    assert grid(result) == [["<5", "c", "20", "32"]]
    assert result.cells[0][1].explanation == (
        "hidden so that a small number cannot be worked out from a total"
    )


def test_the_total_is_hidden_when_the_marks_would_give_the_small_count_away():
    # "<5" (1 to 4) and "c" (5 or more) beside a total of 6 can only be 1 and 5: the total
    # goes too, the only cell left to hide.
    assert grid(suppress([[1, 5, 0]], row_totals=[6])) == [["<5", "c", "0", "c"]]


def test_two_small_counts_can_hide_each_other():
    # 2 + 4 = 6 with each of them 1 to 4: (2, 4), (3, 3) or (4, 2). No neighbour is needed.
    assert grid(suppress([[2, 4, 10]], row_totals=[16])) == [["<5", "<5", "10", "16"]]


def test_zeros_are_never_hidden_even_when_smaller_than_the_neighbour_that_is():
    result = suppress([[0], [2], [9]], column_totals=[11])
    assert grid(result) == [["0"], ["<5"], ["c"], ["11"]]
    assert grid(suppress([[0, 0, 7]], row_totals=[7])) == [["0", "0", "7", "7"]]


def test_a_count_that_is_the_only_non_zero_of_its_line_hides_its_total_and_a_neighbour():
    # Row 1's total is the 3 itself, so it is small too; the column of row totals and
    # column 1 then each need a second hidden cell: the 6 and the row total 21 beside it.
    result = cross_tab([[3, 0, 0], [6, 7, 8]])
    assert grid(result) == [
        ["<5", "0", "0", "<5"],
        ["c", "7", "8", "c"],
        ["9", "7", "8", "24"],
    ]
    assert result.safe


def test_a_hidden_cell_that_mends_two_lines_is_preferred_to_a_smaller_one():
    # Hiding 9 mends row 1 and column 2 at once (its 3 is hidden); the smaller 6 would mend
    # row 1 only and start a chain through column 3 and row 2 (six cells hidden, not four).
    result = cross_tab([[2, 9, 6], [8, 3, 7]])
    assert grid(result) == [
        ["<5", "c", "6", "17"],
        ["c", "<5", "7", "18"],
        ["10", "12", "13", "35"],
    ]


def test_a_chain_that_needs_several_passes():
    # Each hidden cell leaves another line with one hidden cell, until a rectangle closes:
    # 2 -> 9 (row 1), 2 -> 8 (column 1), then 30 (row 2 and column 2 at once).
    result = cross_tab([[2, 9, 20], [8, 30, 40], [50, 10, 60]])
    assert grid(result) == [
        ["<5", "c", "20", "31"],
        ["c", "c", "40", "78"],
        ["50", "10", "60", "120"],
        ["60", "49", "120", "229"],
    ]


def test_a_whole_outcome_funnel_with_its_shares():
    # Rows: target, other disadvantaged, others; "all" is their column total. Columns:
    # numerator, denominator, unknown, assumed no of one outcome.
    groups = [[3, 12, 1, 2], [6, 20, 0, 4], [40, 90, 5, 10]]
    every = [49, 122, 6, 16]
    result = suppress(groups, column_totals=every)
    assert grid(result) == [
        ["<5", "12", "<5", "<5"],
        ["c", "20", "0", "<5"],  # 6 hides the 3 of target students
        ["40", "90", "c", "10"],  # 1 + 5 = 6 would show the 1: the 5 and the 6 both go
        ["49", "122", "c", "16"],  # the two small "assumed no" (2 + 4) protect each other
    ]
    shares = [share_or_withheld(row[0], row[1]) for row in [*result.cells, result.column_totals]]
    assert [share.display for share in shares] == ["—", "—", "44%", "40%"]
    assert shares[0].reason == "withheld: it would show a hidden count"


def test_a_line_that_cannot_be_protected_says_so():
    # Four counts of 1 to 4 adding up to a total of 1 to 4 can only all be 1.
    assert not cross_tab([[1, 1, 1, 1]]).safe
    assert cross_tab([[1, 1]]).safe  # 1 + 1 = 2 to 4: (1, 1), (1, 2), (2, 1)...


def test_a_grand_total_alone_ties_every_cell():
    assert grid(suppress([[3, 8], [9, 20]], grand_total=40)) == [["<5", "c"], ["9", "20"]]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: suppress([[1, 2], [3]]), "same number of cells"),
        (lambda: suppress([[1, -2]]), "whole numbers of 0 or more"),
        (lambda: suppress([[1, 2.5]]), "whole numbers of 0 or more"),
        (lambda: suppress([[1, 2]], row_totals=[4]), "a total of 4 is not the sum of its line"),
        (lambda: suppress([[1, 2]], column_totals=[1]), "one column total for each column"),
        (lambda: suppress([[1, 2]], below=0), "threshold must be 1 or more"),
    ],
)
def test_a_table_that_does_not_add_up_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_percentages_over_fewer_than_10_students_are_withheld():
    assert share_or_withheld(3, 12).display == "25%"
    assert share_or_withheld(3, 10).value == 0.3
    nine = share_or_withheld(3, 9)
    assert (nine.display, nine.reason) == ("—", "fewer than 10 students")
    assert share_or_withheld(0, 0).reason == "no students"
    assert share_or_withheld(3, 19, min_denominator=20).reason == "fewer than 20 students"
    hidden = share_or_withheld(Cell(3, "small"), Cell(40))
    assert (hidden.display, hidden.value) == ("—", None)


@pytest.mark.parametrize(("raw", "expected"), [(None, 5), ("", 5), (" 3 ", 3), ("1", 1)])
def test_suppress_below_comes_from_the_environment(raw, expected):
    env = {} if raw is None else {"SUPPRESS_BELOW": raw}
    assert from_environment("/tmp", env)["SUPPRESS_BELOW"] == expected


@pytest.mark.parametrize("raw", ["0", "-1", "five", "2.5", "²"])
def test_a_bad_suppress_below_stops_the_start(raw):
    with pytest.raises(ConfigError, match="SUPPRESS_BELOW must be a whole number of 1 or more"):
        from_environment("/tmp", {"SUPPRESS_BELOW": raw})


# Property: for random tables, with every arrangement of totals, after suppression every line
# (a row or column with its total) has no hidden cell or at least two, so none can be
# recovered by subtracting the visible cells from the visible total; every count of 1 to 4 is
# hidden, and no zero is.

counts = st.one_of(st.integers(0, 6), st.integers(0, 80))


@st.composite
def tables(draw):
    height, width = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    table = [[draw(counts) for _ in range(width)] for _ in range(height)]
    return table, draw(st.sampled_from(["all", "rows", "columns", "grand"]))


def lines_of(result, arrangement) -> list[list[Cell]]:
    """Each line as its cells, the total last."""
    rows, columns = result.cells, [list(c) for c in zip(*result.cells, strict=True)]
    found = []
    if arrangement in ("all", "rows"):
        found += [row + [total] for row, total in zip(rows, result.row_totals, strict=True)]
    if arrangement in ("all", "columns"):
        found += [col + [total] for col, total in zip(columns, result.column_totals, strict=True)]
    if arrangement == "all":
        found += [result.row_totals + [result.grand_total]]
        found += [result.column_totals + [result.grand_total]]
    if arrangement == "grand":
        found += [[cell for row in rows for cell in row] + [result.grand_total]]
    return found


@settings(max_examples=400, deadline=None)
@given(tables())
def test_no_hidden_count_can_be_worked_out_from_one_line(drawn):
    table, arrangement = drawn
    row_totals = [sum(row) for row in table]
    column_totals = [sum(column) for column in zip(*table, strict=True)]
    result = suppress(
        table,
        row_totals if arrangement in ("all", "rows") else None,
        column_totals if arrangement in ("all", "columns") else None,
        sum(row_totals) if arrangement in ("all", "grand") else None,
    )
    for cell in result.all_cells():
        if 1 <= cell.value <= 4:
            assert cell.display == "<5"
        elif cell.value == 0:
            assert cell.display == "0"
    for line in lines_of(result, arrangement):
        # One hidden cell is the total minus the visible cells (or, the total hidden, their sum).
        assert sum(cell.hidden for cell in line) != 1, [cell.display for cell in line]
