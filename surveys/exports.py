"""CSV exports of a session's answers: long (one row per answer) and wide (one per student)."""

import csv
import io

from app.csv_safety import safe_cell
from surveys.results import SessionResults


def _iso(value) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if value else ""


def _session_columns(results: SessionResults) -> list:
    session = results.session
    return [
        session.class_code,
        results.instrument.key,
        results.instrument.version,
        session.wave.label,
        session.opened_at.date().isoformat(),
        session.group.name if session.group else "",
    ]


SESSION_HEADER = ["class_code", "instrument", "version", "wave", "opened_on", "group"]
STUDENT_HEADER = ["upn", "student", "submitted_at"]


def _write(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def long_csv(results: SessionResults) -> str:
    """One row per answer, in the instrument's item order, with the value and its label."""
    instrument = results.instrument
    rows = [SESSION_HEADER + STUDENT_HEADER + ["scale", "item_id", "reverse", "value", "answer"]]
    common = _session_columns(results)
    for result in results.students:
        student = result.student
        for item in instrument.items:
            value = result.answers.get(item.id)
            if value is None:
                continue
            rows.append(
                common
                + [student.upn, student.full_name, _iso(result.submitted_at)]
                + [
                    item.scale,
                    item.id,
                    int(item.reverse),
                    value,
                    instrument.label_for(item.id, value),
                ]
            )
    return _write(rows)


def wide_csv(results: SessionResults) -> str:
    """One row per student who joined: scale scores (blank when too few answers), then every
    item's stored value (blank when unanswered)."""
    instrument = results.instrument
    scales = [scale.key for scale in instrument.scored_scales]
    items = [item.id for item in instrument.items]
    rows = [
        SESSION_HEADER + STUDENT_HEADER + ["answered"] + [f"score_{key}" for key in scales] + items
    ]
    common = _session_columns(results)
    for result in results.students:
        student = result.student
        scores = [
            "" if result.scores[key] is None else round(result.scores[key], 4) for key in scales
        ]
        values = [result.answers.get(item_id, "") for item_id in items]
        rows.append(
            common
            + [student.upn, student.full_name, _iso(result.submitted_at), result.answered]
            + scores
            + values
        )
    return _write(rows)
