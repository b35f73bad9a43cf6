"""The grades chart as numbers (tracking.profiles.charts on app.charts: pure logic)."""

from datetime import date

from app import charts
from tracking.grades import GradeEntry
from tracking.profiles.charts import grade_chart, grade_charts


def _entry(kind, grade, day, qualification="gcse_maths", n=[0]):  # noqa: B006 (an id counter)
    n[0] += 1
    return GradeEntry(qualification, kind, grade, None, day, n[0])


def test_one_line_per_kind_in_date_order_higher_grades_higher_up():
    chart = grade_chart(
        "gcse_maths",
        [
            _entry("predicted", "7", date(2025, 3, 1)),
            _entry("predicted", "5", date(2024, 9, 1)),
            _entry("final", "9", date(2025, 8, 21)),
            _entry("working_at", "6", date(2025, 1, 1)),  # not charted
        ],
    )
    assert chart.title == "GCSE Maths"
    assert [s.kind for s in chart.series] == ["predicted", "final"]
    predicted, final = chart.series
    assert [p.label for p in predicted.points] == [
        "Predicted 01/09/2024: 5",
        "Predicted 01/03/2025: 7",
    ]
    first, second = predicted.points
    assert first.x == charts.LEFT and final.points[0].x == charts.WIDTH - charts.RIGHT
    assert second.y < first.y  # a 7 is drawn above a 5
    assert final.points[0].y == charts.TOP  # 9 is the top of the scale
    assert "Final: 21/08/2025: 9" in chart.description


def test_letter_grades_chart_on_their_own_scale_and_u_is_the_floor():
    chart = grade_chart(
        "a_level_maths",
        [
            _entry("mock", "U", date(2025, 1, 1), "a_level_maths"),
            _entry("mock", "A*", date(2025, 6, 1), "a_level_maths"),
        ],
    )
    assert [label for _, label in chart.y_ticks] == ["A*", "A", "B", "C", "D", "E", "U"]
    low, high = chart.series[0].points
    assert low.y == charts.HEIGHT - charts.BOTTOM and high.y == charts.TOP


def test_one_date_is_drawn_in_the_middle_and_no_grades_no_chart():
    chart = grade_chart("gcse_maths", [_entry("target", "8", date(2025, 1, 1))])
    assert (
        chart.series[0].points[0].x == charts.LEFT + (charts.WIDTH - charts.LEFT - charts.RIGHT) / 2
    )
    assert grade_chart("gcse_maths", []) is None
    assert grade_charts([_entry("target", "8", date(2025, 1, 1), "core_maths")]) == []
