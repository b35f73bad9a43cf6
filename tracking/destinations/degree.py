"""Outcome 5, a maths degree: what each student's destination says, and the figures of a set
of students. Pure: no Flask, no database (docs/outcomes.md, section 5, in plain English).

A student's destination is their newest destination record that is not only an application
(statuses applied, firm and insurance say where a student may go, not where they went; a
record with no status, from before statuses were recorded, counts as decided). With nothing
but applications the destination is *pending*, and with nothing at all *unknown*; a deferred
place is *deferred* (neither yes nor no).

Its subject is its HECoS code(s) (two for joint honours): *maths* when any of them is CAH09
(mathematical sciences), else *maths-related* when the maths-related list covers one, else
*other*. A record without HECoS codes falls back on the subject category recorded before
HECoS ("mathematics", "maths_related", "other"), and with neither it has *no subject*.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracking.current import newest
from tracking.destinations.hecos import MathsRelated, default_related, is_maths
from tracking.vocabulary import DestinationStatus, DestinationType, SubjectCategory

if TYPE_CHECKING:
    from tracking.outcomes import Rate

APPLICATIONS = frozenset(
    {DestinationStatus.APPLIED, DestinationStatus.FIRM, DestinationStatus.INSURANCE}
)
UNKNOWN, PENDING, DEFERRED, PLACED = "unknown", "pending", "deferred", "placed"
MATHS, RELATED, OTHER, NO_SUBJECT = "maths", "maths_related", "other", "no_subject"
UNIVERSITY, DEGREE_APPRENTICESHIP, NOT_DEGREE = "university", "degree_apprenticeship", "other"
_LEGACY = {
    SubjectCategory.MATHEMATICS: MATHS,
    SubjectCategory.MATHS_RELATED: RELATED,
    SubjectCategory.OTHER: OTHER,
}
_ROUTES = {
    DestinationType.HIGHER_EDUCATION: UNIVERSITY,
    DestinationType.DEGREE_APPRENTICESHIP: DEGREE_APPRENTICESHIP,
}


@dataclass(frozen=True)
class Place:
    """What a student's destination says for outcome 5: its state (unknown, pending,
    deferred, placed), its route (university, degree apprenticeship, other) and subject
    (maths, maths_related, other, no_subject), and whether it is joint honours."""

    state: str
    route: str = NOT_DEGREE
    subject: str = NO_SUBJECT
    joint: bool = False


def subject_of(entry: Any, related: MathsRelated) -> tuple[str, bool]:
    """(subject, joint) of a destination entry: see the module's docstring."""
    codes = entry.codes
    if codes:
        if is_maths(codes):
            subject = MATHS
        elif any(related.covers(code) for code in codes):
            subject = RELATED
        else:
            subject = OTHER
        return subject, len(codes) > 1
    return _LEGACY.get(entry.subject_category or "", NO_SUBJECT), False


def place(destinations: Iterable[Any], related: MathsRelated | None = None) -> Place:
    """Where one student's destination records (as stored, history included) leave them."""
    destinations = list(destinations)
    decided = newest(d for d in destinations if d.status not in APPLICATIONS)
    if decided is None or decided.type == DestinationType.UNKNOWN or not decided.type:
        return Place(PENDING if destinations and decided is None else UNKNOWN)
    subject, joint = subject_of(decided, related or default_related())
    route = _ROUTES.get(decided.type, NOT_DEGREE)
    state = DEFERRED if decided.status == DestinationStatus.DEFERRED else PLACED
    return Place(state, route, subject, joint)


@dataclass(frozen=True)
class DegreeOutcome:
    """Outcome 5 of a set of students. Every rate's denominator is the students with a
    decided destination (placed: a university, a degree apprenticeship or anything else);
    `unknown` counts those with no destination or only applications (`pending` of them),
    and `deferred` those whose place is deferred, so denominator + unknown + deferred is the
    size of the set. `assumed_no`: places of that route with no subject recorded.

    maths / maths_related: university places; joint: maths places on joint honours courses;
    apprenticeship_maths / apprenticeship_related: degree apprenticeships (their own line);
    deferred_maths: deferred places in maths."""

    maths: Rate
    maths_related: Rate
    joint: int
    apprenticeship_maths: Rate
    apprenticeship_related: Rate
    deferred: int
    deferred_maths: int
    pending: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "mathematics": self.maths.as_dict(),
            "maths_related": self.maths_related.as_dict(),
            "mathematics_joint_honours": self.joint,
            "degree_apprenticeship": {
                "mathematics": self.apprenticeship_maths.as_dict(),
                "maths_related": self.apprenticeship_related.as_dict(),
            },
            "deferred": self.deferred,
            "deferred_mathematics": self.deferred_maths,
            "pending": self.pending,
        }


def degree_outcome(students: Sequence[Any], related: MathsRelated | None = None) -> DegreeOutcome:
    """Outcome 5 over `students` (tracking.outcomes.StudentOutcomeData), with the
    maths-related list `related` (None: the list as shipped)."""
    from tracking.outcomes import Rate  # tracking.outcomes imports this module

    related = related or default_related()
    places = [place(student.destinations, related) for student in students]
    placed = [p for p in places if p.state == PLACED]
    deferred = [p for p in places if p.state == DEFERRED]
    unknown = len(places) - len(placed) - len(deferred)

    def rate(route: str, subject: str) -> Rate:
        on_route = [p for p in placed if p.route == route]
        return Rate(
            numerator=sum(1 for p in on_route if p.subject == subject),
            denominator=len(placed),
            unknown=unknown,
            assumed_no=sum(1 for p in on_route if p.subject == NO_SUBJECT),
        )

    return DegreeOutcome(
        maths=rate(UNIVERSITY, MATHS),
        maths_related=rate(UNIVERSITY, RELATED),
        joint=sum(1 for p in placed if p.route == UNIVERSITY and p.subject == MATHS and p.joint),
        apprenticeship_maths=rate(DEGREE_APPRENTICESHIP, MATHS),
        apprenticeship_related=rate(DEGREE_APPRENTICESHIP, RELATED),
        deferred=len(deferred),
        deferred_maths=sum(1 for p in deferred if p.subject == MATHS),
        pending=sum(1 for p in places if p.state == PENDING),
    )
