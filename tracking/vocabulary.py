"""The tracker's vocabulary: the coded values its records hold (post-16 routes, statuses
and institutions, destinations, UCAS statuses, support and enrichment, attendance, awards) and the
names people use for them. Pure, no Flask, no database: the models, the outcomes and the
pages all import them from here."""

import enum
from enum import StrEnum

from tracking.grades import GradeKind, Qualification, Tier


class Post16Route(StrEnum):
    """A student's route after Year 11: a Level 3 maths course, another Level 3 course, or
    another route. `NO_MATHS` ("no maths, route not known") holds records made before
    routes were recorded (their subject was "none") and is offered when that is all that is
    known. A student on two maths courses (A-level Maths and Further Maths) has a record of
    each."""

    A_LEVEL_MATHS = "a_level_maths"
    A_LEVEL_FURTHER_MATHS = "a_level_further_maths"
    AS_MATHS = "as_maths"
    AS_FURTHER_MATHS = "as_further_maths"
    CORE_MATHS = "core_maths"
    IB_MATHS = "ib_maths"
    OTHER_LEVEL_3 = "other_level_3"
    APPRENTICESHIP = "apprenticeship"
    EMPLOYMENT = "employment"
    NOT_IN_EDUCATION = "not_in_education"
    NO_MATHS = "no_maths"


# The name the post-16 route had when it was a maths subject (pages and tests still use it).
Post16Subject = Post16Route

# Routes that are A-level Maths (Further Maths is always taken with Maths), and the Level 3
# maths qualifications a student may take after Year 11 (docs/outcomes.md, outcome 3).
A_LEVEL_MATHS_ROUTES = frozenset({Post16Route.A_LEVEL_MATHS, Post16Route.A_LEVEL_FURTHER_MATHS})
LEVEL_3_MATHS_ROUTES = A_LEVEL_MATHS_ROUTES | {
    Post16Route.AS_MATHS,
    Post16Route.AS_FURTHER_MATHS,
    Post16Route.CORE_MATHS,
    Post16Route.IB_MATHS,
}


class Post16Status(StrEnum):
    """How far a student has got with a post-16 route. "Considering" is not yet a choice;
    "enrolled" on a route that is not a course (employment, say) means the student started."""

    CONSIDERING = "considering"
    INTENDS = "intends"
    APPLIED = "applied"
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class Post16Institution(StrEnum):
    """Where a post-16 route is followed: the school's own sixth form, or another school or
    college (named, with its URN or UKPRN where known)."""

    OWN_SIXTH_FORM = "own_sixth_form"
    OTHER = "other"


class DestinationType(StrEnum):
    """Where a student went after Year 13. "higher_education" is a university (or college)
    degree place; "apprenticeship" is any apprenticeship that is not a degree
    apprenticeship. "unknown" is kept for records made before statuses (see
    DestinationStatus)."""

    HIGHER_EDUCATION = "higher_education"
    DEGREE_APPRENTICESHIP = "degree_apprenticeship"
    APPRENTICESHIP = "apprenticeship"
    EMPLOYMENT = "employment"
    FURTHER_EDUCATION = "further_education"
    GAP_YEAR = "gap_year"
    OTHER = "other"
    UNKNOWN = "unknown"


class DestinationStatus(StrEnum):
    """How far a destination has got: applied, firm and insurance are applications (not yet
    a destination); confirmed and started are; a deferred place starts a year later."""

    APPLIED = "applied"
    FIRM = "firm"
    INSURANCE = "insurance"
    CONFIRMED = "confirmed"
    DEFERRED = "deferred"
    STARTED = "started"


class SubjectCategory(StrEnum):
    """How close a destination's subject is to mathematics, as recorded before subjects
    were HECoS codes (tracking.destinations.hecos); kept for those older records."""

    MATHEMATICS = "mathematics"
    MATHS_RELATED = "maths_related"
    OTHER = "other"


class Source(enum.StrEnum):
    """How a record got here: typed in by staff, or imported (a file, the command line)."""

    ENTERED = "entered"
    IMPORTED = "imported"


class UcasStatus(enum.StrEnum):
    APPLIED = "applied"
    OFFER_CONDITIONAL = "offer_conditional"
    OFFER_UNCONDITIONAL = "offer_unconditional"
    FIRM = "firm"
    INSURANCE = "insurance"
    PLACED = "placed"
    UNPLACED = "unplaced"
    WITHDRAWN = "withdrawn"


class Evidence(enum.StrEnum):
    """Where a destination is known from."""

    STUDENT = "student"
    UCAS = "ucas"
    SCHOOL_SURVEY = "school_survey"


class InterventionType(enum.StrEnum):
    SMALL_GROUP = "small_group"
    KS4_BOOSTER = "ks4_booster"
    PEER_MENTORING = "peer_mentoring"
    EXTENSION_COURSE = "extension_course"
    ENRICHMENT = "enrichment"


class EnrichmentKind(enum.StrEnum):
    UKMT_CHALLENGE = "ukmt_challenge"
    MATHS_CIRCLE = "maths_circle"
    UNIVERSITY_VISIT = "university_visit"
    OTHER_PROVIDER = "other_provider"


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class Award(enum.StrEnum):
    GOLD = "gold"
    SILVER = "silver"
    BRONZE = "bronze"
    PARTICIPATION = "participation"


# The names people use, for every coded value a page shows.
LABELS: dict[type[enum.StrEnum], dict[str, str]] = {
    Qualification: {q.value: q.label for q in Qualification},
    GradeKind: {k.value: k.label for k in GradeKind},
    Tier: {t.value: t.label for t in Tier},
    Source: {"entered": "Entered", "imported": "Imported"},
    Post16Route: {
        "a_level_maths": "A-level Maths",
        "a_level_further_maths": "A-level Further Maths",
        "as_maths": "AS Maths",
        "as_further_maths": "AS Further Maths",
        "core_maths": "Core Maths",
        "ib_maths": "IB Mathematics",
        "other_level_3": "Other Level 3 (no maths)",
        "apprenticeship": "Apprenticeship",
        "employment": "Employment",
        "not_in_education": "Not in education",
        "no_maths": "No maths, route not known",
    },
    Post16Status: {
        "considering": "Considering",
        "intends": "Intends",
        "applied": "Applied",
        "enrolled": "Enrolled",
        "completed": "Completed",
        "withdrawn": "Withdrawn",
    },
    Post16Institution: {
        "own_sixth_form": "Own sixth form",
        "other": "Another school or college",
    },
    UcasStatus: {
        "applied": "Applied",
        "offer_conditional": "Offer (conditional)",
        "offer_unconditional": "Offer (unconditional)",
        "firm": "Firm choice",
        "insurance": "Insurance choice",
        "placed": "Placed",
        "unplaced": "Unplaced",
        "withdrawn": "Withdrawn",
    },
    SubjectCategory: {
        "mathematics": "Mathematics",
        "maths_related": "Maths-related",
        "other": "Other subject",
    },
    DestinationType: {
        "higher_education": "University",
        "degree_apprenticeship": "Degree apprenticeship",
        "apprenticeship": "Other apprenticeship",
        "employment": "Employment",
        "further_education": "Further education",
        "gap_year": "Gap year",
        "other": "Other",
        "unknown": "Unknown",
    },
    DestinationStatus: {
        "applied": "Applied",
        "firm": "Firm choice",
        "insurance": "Insurance choice",
        "confirmed": "Confirmed",
        "deferred": "Deferred",
        "started": "Started",
    },
    Evidence: {"student": "Student", "ucas": "UCAS", "school_survey": "School survey"},
    InterventionType: {
        "small_group": "Small-group support",
        "ks4_booster": "KS4 booster",
        "peer_mentoring": "Peer mentoring",
        "extension_course": "Extension course",
        "enrichment": "Enrichment",
    },
    EnrichmentKind: {
        "ukmt_challenge": "UKMT challenge",
        "maths_circle": "Maths circle",
        "university_visit": "University visit",
        "other_provider": "Other provider",
    },
    AttendanceStatus: {"present": "Present", "absent": "Absent", "excused": "Excused"},
    Award: {
        "gold": "Gold",
        "silver": "Silver",
        "bronze": "Bronze",
        "participation": "Participation",
    },
}


def label(kind: type[enum.StrEnum], value: str | None) -> str:
    """Return the name people use for a coded value ('' for None, the code if unknown)."""
    if value is None:
        return ""
    return LABELS[kind].get(value, value)


def choices(kind: type[enum.StrEnum]) -> list[tuple[str, str]]:
    """Return (value, label) pairs of a coded value, in their usual order."""
    return list(LABELS[kind].items())
