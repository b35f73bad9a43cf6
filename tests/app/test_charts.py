"""Charts as numbers (app.charts: pure logic): time across, values up, and the text that
stands in for the picture."""

from datetime import date, datetime

from app import charts
from app.charts import Line, Reading

ACROSS = charts.WIDTH - charts.LEFT - charts.RIGHT
DOWN = charts.HEIGHT - charts.TOP - charts.BOTTOM


def test_time_runs_across_in_proportion_and_values_run_up():
    chart = charts.line_chart(
        "Sleep",
        "sleep",
        [
            Line(
                "hours",
                "",
                [
                    Reading(date(2025, 1, 11), 8),  # given out of order: drawn in date order
                    Reading(date(2025, 1, 1), 6),
                    Reading(date(2025, 1, 3), 10),
                ],
            )
        ],
        (0, 10),
        [(0, "0"), (5, "5"), (10, "10")],
    )
    first, second, third = chart.series[0].points
    assert (first.x, second.x, third.x) == (
        charts.LEFT,
        charts.LEFT + ACROSS / 5,  # 2 days of 10
        charts.LEFT + ACROSS,
    )
    assert first.y == charts.TOP + DOWN * 0.4 and second.y == charts.TOP
    assert chart.y_ticks == [(charts.TOP + DOWN, "0"), (charts.TOP + DOWN / 2, "5"), (10, "10")]
    assert [label for _, label in chart.x_ticks] == ["01/25", "01/25", "01/25"]


def test_a_scale_chart_skips_unscored_readings_and_says_what_it_shows():
    chart = charts.scale_chart(
        "Enjoyment of maths",
        1,
        4,
        [
            Reading(datetime(2025, 10, 1, 9, 30), 2.0),
            Reading(datetime(2026, 2, 3, 9, 30), None, name="Spring"),  # too few answers
            Reading(datetime(2026, 6, 1, 9, 30), 3.25, name="Summer 2026"),
        ],
    )
    assert chart.kind == "score"
    assert [label for _, label in chart.y_ticks] == ["1", "2", "3", "4"]
    (series,) = chart.series
    assert [p.label for p in series.points] == ["01/10/2025 09:30: 2.00", "Summer 2026: 3.25"]
    assert chart.summary == "Enjoyment of maths over time: 2.00, 3.25"
    assert chart.description == (
        "Enjoyment of maths over time. 01/10/2025 09:30: 2.00, Summer 2026: 3.25"
    )
    assert [label for _, label in chart.x_ticks] == ["10/25", "06/26"]
    assert chart.dom_id == "chart-score-enjoyment-of-maths"


def test_nothing_to_draw_is_no_chart():
    assert charts.scale_chart("Enjoyment", 1, 4, [Reading(date(2025, 1, 1), None)]) is None
    assert charts.line_chart("Grades", "grade", [Line("mock", "Mock", [])], (0, 9), []) is None


def test_several_lines_are_named_in_the_text_and_time_labels_never_crowd():
    days = [date(2025, month, 1) for month in range(1, 13)]
    chart = charts.line_chart(
        "GCSE Maths",
        "grade",
        [
            Line("target", "Target", [Reading(days[0], 8, "8")]),
            Line("mock", "Mock", [Reading(day, 6, "6") for day in days[1:]]),
        ],
        (0, 9),
        [],
    )
    assert [s.kind for s in chart.series] == ["target", "mock"]
    assert chart.series[0].points[0].label == "Target 01/01/2025: 8"
    assert chart.summary.startswith("GCSE Maths over time: Target: 8; Mock: 6, 6,")
    assert "Target: 01/01/2025: 8; Mock: 01/02/2025: 6," in chart.description
    assert len(chart.x_ticks) <= charts.MAX_TIME_LABELS
    assert chart.x_ticks[0] == (charts.LEFT, "01/25")
