"""The surveys area's services, gathered in one place for the views and for other areas.

Each responsibility has its own module:

- `surveys.sessions`: instrument versions, opening and closing sessions (audited), the session
  list and the live panel (staff);
- `surveys.taking`: joining with two codes, saving and submitting answers (students);
- `surveys.results`: a session's results and a student's scores over time.

Staff writes flush and the view commits once. Other areas read this module, never the reverse
(tracking calls `scores_for_students` here), so these names stay importable from it.
"""

from surveys.results import (
    ScaleHistory,
    ScorePoint,
    SessionResults,
    StudentResult,
    answers_by_student,
    scores_for_student,
    scores_for_students,
    session_results,
)
from surveys.sessions import (
    CLASS_CODE_LENGTH,
    LiveRow,
    SessionCounts,
    close_session,
    current_instruments,
    instrument_of,
    live_rows,
    new_class_code,
    open_session,
    pin_instrument,
    reopen_response,
    response_counts,
    session_by_code,
    unused_class_code,
)
from surveys.taking import (
    CLOSED,
    CLOSED_NOT_SAVED,
    CLOSED_NOT_SENT,
    REFUSED,
    SUBMITTED,
    AlreadySubmitted,
    InvalidAnswer,
    JoinRefused,
    SurveyClosed,
    Taking,
    answered_count,
    answers_from_form,
    join,
    parse_answer,
    save_answers,
    saved_answers,
    submit,
    submitted_unchanged,
    taking,
)

__all__ = [
    "CLASS_CODE_LENGTH",
    "CLOSED",
    "CLOSED_NOT_SAVED",
    "CLOSED_NOT_SENT",
    "REFUSED",
    "SUBMITTED",
    "AlreadySubmitted",
    "InvalidAnswer",
    "JoinRefused",
    "LiveRow",
    "ScaleHistory",
    "ScorePoint",
    "SessionCounts",
    "SessionResults",
    "StudentResult",
    "SurveyClosed",
    "Taking",
    "answered_count",
    "answers_by_student",
    "answers_from_form",
    "close_session",
    "current_instruments",
    "instrument_of",
    "join",
    "live_rows",
    "new_class_code",
    "open_session",
    "parse_answer",
    "pin_instrument",
    "reopen_response",
    "response_counts",
    "save_answers",
    "saved_answers",
    "scores_for_student",
    "scores_for_students",
    "session_by_code",
    "session_results",
    "submit",
    "submitted_unchanged",
    "taking",
    "unused_class_code",
]
