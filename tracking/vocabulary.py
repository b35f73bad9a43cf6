"""The tracker's vocabulary: the coded values its records hold (post-16 subjects and
statuses, destinations, UCAS statuses, support and enrichment, attendance, awards) and the
names people use for them. Pure, no Flask, no database: the models, the outcomes and the
pages all import them from here."""

import enum
from enum import StrEnum

from tracking.grades import GradeKind, Qualification, Tier


class Post16Subject(StrEnum):
    """A post-16 maths course a student may intend to take or enrol on ("none": no maths)."""

    A_LEVEL_MATHS = "a_level_maths"
    A_LEVEL_FURTHER_MATHS = "a_level_further_maths"
    CORE_MATHS = "core_maths"
    NONE = "none"


class Post16Status(StrEnum):
    """How far a student has got with a post-16 course."""

    CONSIDERING = "considering"
    APPLIED = "applied"
    ENROLLED = "enrolled"
    WITHDRAWN = "withdrawn"


class DestinationType(StrEnum):
    """Where a student went after Year 13."""

    HIGHER_EDUCATION = "higher_education"
    APPRENTICESHIP = "apprenticeship"
    EMPLOYMENT = "employment"
    FURTHER_EDUCATION = "further_education"
    GAP_YEAR = "gap_year"
    OTHER = "other"
    UNKNOWN = "unknown"


class SubjectCategory(StrEnum):
    """How close a destination's subject (a degree, say) is to mathematics."""

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
    Post16Subject: {
        "a_level_maths": "A-level Maths",
        "a_level_further_maths": "A-level Further Maths",
        "core_maths": "Core Maths",
        "none": "No maths after 16",
    },
    Post16Status: {
        "considering": "Considering",
        "applied": "Applied",
        "enrolled": "Enrolled",
        "withdrawn": "Withdrawn",
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
        "higher_education": "Higher education",
        "apprenticeship": "Apprenticeship",
        "employment": "Employment",
        "further_education": "Further education",
        "gap_year": "Gap year",
        "other": "Other",
        "unknown": "Unknown",
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
