"""How many wrong codes may be tried at /join, in counters every server process shares
(app.throttle).

Wrong guesses must never keep a class's real students out, so nothing is limited per class
code. A limit per address stops a guesser, and is generous because a whole school shares one
address behind its NAT: a class of 30 with typos, and another class beside it, stay far below
it. A smaller limit per address and personal code stops one code being tried with class code
after class code. Failures per class code are only counted, for the live panel to warn the
teacher ("many failed joins"), who can give the class a new code.
"""

import math

from app import throttle
from app.codes import normalise_code
from surveys.models import SurveySession

WINDOW = 10 * 60  # seconds
ADDRESS_FREE = 200
PERSONAL_CODE_FREE = 10
# From this many wrong joins with one class code in a window, the live panel warns.
MANY_FAILED = 20


def _class_key(class_code: str) -> str:
    return throttle.key("join-class", normalise_code(class_code))


def join_limits(address: str | None, class_code: str, personal_code: str):
    """The counters one attempt to join is charged to (a success gives it back)."""
    address = address or ""
    return (
        throttle.Limit(throttle.key("join-address", address), ADDRESS_FREE, WINDOW),
        throttle.Limit(
            throttle.key("join-personal-code", address, normalise_code(personal_code)),
            PERSONAL_CODE_FREE,
            WINDOW,
        ),
        throttle.Limit(_class_key(class_code), throttle.NEVER, WINDOW),
    )


def failed_joins(session: SurveySession) -> int:
    """Wrong joins with this session's class code in the current window."""
    return throttle.count(_class_key(session.class_code))


def wait_message(seconds: int) -> str:
    """What a student who must wait is told (in words a 12-year-old reads)."""
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Too many wrong codes have been typed here. Wait {minutes} {unit}, then try again. "
        "If your codes still do not work, ask your teacher."
    )
