"""Two of the "Needs attention" rules in detail: when a score drop is beyond chance, and when a
student has missed too many sessions of an intervention. Pure logic, no Flask.

**Beyond chance.** A scale score moves between two surveys even when nothing changed: the
standard error of measurement, SEM = SD x sqrt(1 - alpha), says by how much. SD (sample
standard deviation of the scale scores) and alpha (Cronbach's) are those of the school's
responses to that scale in that instrument version. A drop counts only when it is larger:

- at least `MIN_FOR_SEM` responses answered every item of the scale: the SEM (alpha below 0 is
  taken as 0, so the SEM is never above the SD);
- fewer, but at least `MIN_FOR_SD` scored responses: one SD of those scores;
- fewer still (or scores that do not vary): a fixed `FIXED_FALL` point of the answer scale.

**Missed sessions.** The app has no "series" of interventions: the sessions of one
intervention are the interventions of a school sharing a group and a title (title compared
without regard to case or spacing). A student invited to it (on its register: a member of its
group on roll on the day, or anyone marked) who was marked absent at two or more of its last
four sessions held by the day is listed. Fewer than four sessions held: not yet judged.
"Excused" and unmarked are not counted as missed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

MIN_FOR_SEM = 30
MIN_FOR_SD = 10
FIXED_FALL = 1.0
LAST_SESSIONS = 4
MISSED = 2
ABSENT = "absent"
# Scores are means of items (e.g. 17/6 - 14/6): a fall equal to a threshold can come out a hair
# above or below it in floating point.
_TOLERANCE = 1e-9


def number(value: float) -> str:
    """Two decimal places at most, without trailing zeros: 0.5, 2.83, 3."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class ChanceStats:
    """A scale over one school's responses to one instrument version: `n` responses with a
    score, `n_complete` answering every item, sample SD of the scores, Cronbach's alpha."""

    n: int
    n_complete: int
    sd: float | None
    alpha: float | None


@dataclass(frozen=True)
class Threshold:
    """How far a score may fall by chance, and on what basis ("sem", "sd" or "fixed")."""

    value: float
    basis: str

    def exceeded_by(self, fall: float) -> bool:
        return fall > self.value + _TOLERANCE

    def words(self) -> str:
        """The threshold in plain words, to follow "Enjoyment fell by 0.9, "."""
        if self.basis == "sem":
            return f"more than the {number(self.value)} a score moves by chance"
        if self.basis == "sd":
            return (
                f"more than {number(self.value)}, the usual spread of scores in the school "
                f"(too few full answers yet to measure chance)"
            )
        return (
            f"more than {number(self.value)} point on the answer scale "
            f"(too few answers in the school yet to measure chance)"
        )


def chance_threshold(stats: ChanceStats | None) -> Threshold:
    """Return the threshold a fall must exceed (see the module docstring for the rule)."""
    if stats is None or not stats.sd:
        return Threshold(FIXED_FALL, "fixed")
    if stats.n_complete >= MIN_FOR_SEM and stats.alpha is not None:
        alpha = min(max(stats.alpha, 0.0), 1.0)
        return Threshold(stats.sd * math.sqrt(1 - alpha), "sem")
    if stats.n >= MIN_FOR_SD:
        return Threshold(stats.sd, "sd")
    return Threshold(FIXED_FALL, "fixed")


@dataclass(frozen=True)
class InterventionSession:
    """One intervention held (one session): its school, group and title name its series."""

    id: int
    school_id: int
    group_id: int | None
    title: str
    held_on: date

    @property
    def series(self) -> tuple[int, int | None, str]:
        return (self.school_id, self.group_id, " ".join(self.title.split()).casefold())


class Registers:
    """The last four sessions of each intervention series held by `today`."""

    def __init__(self, sessions: Iterable[InterventionSession], today: date) -> None:
        by_series: dict[tuple, list[InterventionSession]] = defaultdict(list)
        for session in sessions:
            if session.held_on <= today:
                by_series[session.series].append(session)
        self._last: dict[int, tuple[InterventionSession, ...]] = {}
        for held in by_series.values():
            last = tuple(sorted(held, key=lambda s: (s.held_on, s.id))[-LAST_SESSIONS:])
            for session in held:
                self._last[session.id] = last

    def missed(self, marks: Mapping[int, str]) -> list[str]:
        """Return a reason for each series where `marks` ({intervention id: status}) show
        absences from at least two of its last four sessions, by series title."""
        found = []
        seen = set()
        for intervention_id in marks:
            last = self._last.get(intervention_id)
            if last is None or last[-1].series in seen:
                continue
            seen.add(last[-1].series)
            missed = sum(marks.get(session.id) == ABSENT for session in last)
            if len(last) == LAST_SESSIONS and missed >= MISSED:
                found.append(
                    f"Missed {missed} of the last {LAST_SESSIONS} {_sessions_of(last[-1].title)}"
                )
        return sorted(found)


def missed_reasons(
    sessions: Iterable[InterventionSession], marks: Mapping[int, str], today: date
) -> list[str]:
    """Return the missed-sessions reasons of one student (see `Registers.missed`)."""
    if not marks:
        return []
    return Registers(sessions, today).missed(marks)


def _sessions_of(title: str) -> str:
    """ "Year 10 booster" -> "Year 10 booster sessions" (a title ending "session(s)" kept)."""
    words = " ".join(title.split())
    for ending in (" sessions", " session"):
        if words.casefold().endswith(ending):
            words = words[: -len(ending)]
            break
    return f"{words} sessions"
