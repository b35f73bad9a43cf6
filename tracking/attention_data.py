"""Reads for the "Needs attention" rules (tracking.attention), each in a fixed number of
queries whatever the number of students: the statistics of the survey scales the students'
sessions used (for the chance threshold of a score drop) and the interventions they missed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, select

from app.extensions import db
from app.models import Student
from tracking.attention_rules import ABSENT, ChanceStats, InterventionSession
from tracking.models import Attendance, Intervention
from tracking.outcomes import SurveyScore


def chance_stats(
    scores: Iterable[SurveyScore], scales: Iterable[str]
) -> dict[tuple[int, str], ChanceStats]:
    """Return `{(session id, scale): ChanceStats}` for each given score on one of `scales`:
    the scale's n, SD and alpha over every response to the session's instrument version in the
    session's school. Two queries (the sessions with their versions, then the answers)."""
    # tracking reads surveys, never the reverse
    from surveys.models import SurveyAnswer, SurveyInstrument, SurveyResponse, SurveySession
    from surveys.scoring import summarise_scale
    from surveys.services import instrument_of

    scales = set(scales)
    session_ids = {score.session_id for score in scores if score.scale in scales}
    sessions = db.session.execute(
        select(SurveySession.id, SurveySession.school_id, SurveyInstrument)
        .join(SurveyInstrument, SurveyInstrument.id == SurveySession.instrument_id)
        .where(SurveySession.id.in_(session_ids))
    ).all()
    instruments = {row.SurveyInstrument.id: instrument_of(row.SurveyInstrument) for row in sessions}
    items = {
        item_id
        for instrument in instruments.values()
        for scale in instrument.scored_scales
        if scale.key in scales
        for item_id in scale.item_ids
    }
    answers: dict[tuple[int, int], dict[int, dict[str, int]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for response_id, school_id, instrument_id, item_id, value in db.session.execute(
        select(
            SurveyResponse.id,
            SurveySession.school_id,
            SurveySession.instrument_id,
            SurveyAnswer.item_id,
            SurveyAnswer.value,
        )
        .join(SurveySession, SurveySession.id == SurveyResponse.session_id)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(
            SurveySession.school_id.in_({row.school_id for row in sessions}),
            SurveySession.instrument_id.in_(list(instruments)),
            SurveyAnswer.item_id.in_(items),
        )
    ):
        answers[(school_id, instrument_id)][response_id][item_id] = value
    stats: dict[tuple[int, int, str], ChanceStats] = {}
    found = {}
    for session_id, school_id, instrument_row in sessions:
        instrument = instruments[instrument_row.id]
        for scale in instrument.scored_scales:
            if scale.key not in scales:
                continue
            key = (school_id, instrument_row.id, scale.key)
            if key not in stats:
                summary = summarise_scale(
                    instrument, scale.key, answers.get((school_id, instrument_row.id), {})
                )
                stats[key] = ChanceStats(summary.n, summary.n_complete, summary.sd, summary.alpha)
            found[(session_id, scale.key)] = stats[key]
    return found


def absences(students: Select) -> dict[int, dict[int, str]]:
    """Return `{student id: {intervention id: "absent"}}` of the students `students` selects
    (a select of Student, already scoped): their absence marks, in one query."""
    ids = students.with_only_columns(Student.id).order_by(None)
    found: dict[int, dict[int, str]] = defaultdict(dict)
    for student_id, intervention_id, status in db.session.execute(
        select(Attendance.student_id, Attendance.intervention_id, Attendance.status).where(
            Attendance.student_id.in_(ids), Attendance.status == ABSENT
        )
    ):
        found[student_id][intervention_id] = status
    return dict(found)


def sessions_held(students: Select, today: date) -> list[InterventionSession]:
    """Return every intervention held by `today` in the schools where one of the students
    `students` selects was marked absent (the sessions their absences are judged against),
    in one query."""
    ids = students.with_only_columns(Student.id).order_by(None)
    schools = (
        select(Intervention.school_id)
        .join(Attendance, Attendance.intervention_id == Intervention.id)
        .where(Attendance.student_id.in_(ids), Attendance.status == ABSENT)
    )
    rows = db.session.execute(
        select(
            Intervention.id,
            Intervention.school_id,
            Intervention.group_id,
            Intervention.title,
            Intervention.held_on,
        ).where(Intervention.held_on <= today, Intervention.school_id.in_(schools))
    )
    return [InterventionSession(*row) for row in rows]
