"""The registry of outcome definitions: each figure the tracker reports names the definition it
follows, by id and version, and where it is written in plain English (docs/outcomes.md).

A definition's version goes up whenever what it counts changes, so a figure read today can be
told apart from one worked out under an earlier rule. Version 2 is the set of definitions
agreed for the external evaluation; "## Definition versions" in docs/outcomes.md lists every
definition with what its version 1 was. Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tracking import enjoyment

DOC = "docs/outcomes.md"

# The anchors of the sections of docs/outcomes.md (GitHub's slugs of their headings).
WHO = "who-is-counted"
ENJOYMENT = "1-enjoying-and-engaging-in-maths-11-16"
GCSE = "2-gcse-maths-at-grade-7-9"
CHOICE = "3-choosing-a-level-maths"
TOP_GRADES = "4-a-or-a-at-a-level"
DEGREE = "5-a-maths-degree"


@dataclass(frozen=True)
class Definition:
    """One outcome definition: its id, version, title and section of docs/outcomes.md."""

    id: str
    version: int
    title: str
    anchor: str

    @property
    def doc(self) -> str:
        """Where the definition is written: docs/outcomes.md and its section's anchor."""
        return f"{DOC}#{self.anchor}"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "doc": self.doc}


DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        enjoyment.DEFINITION_ID,
        enjoyment.DEFINITION_VERSION,
        "Enjoyment of maths, paired change within students, Years 7-11",
        ENJOYMENT,
    ),
    Definition(
        "engagement_paired_change",
        2,
        "Engagement in maths lessons, paired change within students, Years 7-11",
        ENJOYMENT,
    ),
    Definition("gcse_7_9", 2, "GCSE Maths grade 7-9 (KS4 result)", GCSE),
    Definition("a_level_maths", 2, "A-level Maths taken", CHOICE),
    Definition(
        "further_maths_among_a_level", 2, "Further Maths among A-level Maths students", CHOICE
    ),
    Definition("level3_maths", 2, "Any Level 3 maths taken", CHOICE),
    Definition("a_level_maths_gcse_7_plus", 2, "A-level Maths taken, GCSE 7+ students", CHOICE),
    Definition(
        "further_maths_among_a_level_gcse_7_plus",
        2,
        "Further Maths among A-level Maths students, GCSE 7+ students",
        CHOICE,
    ),
    Definition("level3_maths_gcse_7_plus", 2, "Any Level 3 maths, GCSE 7+ students", CHOICE),
    Definition("a_star_a_per_entrant", 2, "A or A* at A-level, per entrant", TOP_GRADES),
    Definition("a_star_a_per_student", 2, "A or A* at A-level, per student", TOP_GRADES),
    Definition("as_a_per_entrant", 2, "A at AS level, per entrant", TOP_GRADES),
    Definition("maths_degree", 2, "University place in mathematics (CAH09)", DEGREE),
    Definition("maths_related_degree", 2, "University place in a maths-related subject", DEGREE),
    Definition(
        "degree_apprenticeship_maths", 2, "Degree apprenticeship in mathematics (CAH09)", DEGREE
    ),
    Definition(
        "degree_apprenticeship_maths_related",
        2,
        "Degree apprenticeship in a maths-related subject",
        DEGREE,
    ),
)
BY_ID = {definition.id: definition for definition in DEFINITIONS}

# Where each figure sits in tracking.outcomes.five_outcomes's dict, and its definition.
FIGURES: dict[tuple[str, ...], str] = {
    ("enjoyment",): enjoyment.DEFINITION_ID,
    ("engagement",): "engagement_paired_change",
    ("gcse_7_to_9",): "gcse_7_9",
    ("a_level_choice", "maths"): "a_level_maths",
    ("a_level_choice", "further_maths"): "further_maths_among_a_level",
    ("a_level_choice", "any_level_3_maths"): "level3_maths",
    ("a_level_choice", "gcse_7_plus", "maths"): "a_level_maths_gcse_7_plus",
    ("a_level_choice", "gcse_7_plus", "further_maths"): "further_maths_among_a_level_gcse_7_plus",
    ("a_level_choice", "gcse_7_plus", "any_level_3_maths"): "level3_maths_gcse_7_plus",
    ("a_level_top_grades", "maths"): "a_star_a_per_entrant",
    ("a_level_top_grades", "further_maths"): "a_star_a_per_entrant",
    ("a_level_top_grades", "per_student", "maths"): "a_star_a_per_student",
    ("a_level_top_grades", "per_student", "further_maths"): "a_star_a_per_student",
    ("a_level_top_grades", "as_level", "maths"): "as_a_per_entrant",
    ("a_level_top_grades", "as_level", "further_maths"): "as_a_per_entrant",
    ("maths_degree", "mathematics"): "maths_degree",
    ("maths_degree", "maths_related"): "maths_related_degree",
    ("maths_degree", "degree_apprenticeship", "mathematics"): "degree_apprenticeship_maths",
    ("maths_degree", "degree_apprenticeship", "maths_related"): (
        "degree_apprenticeship_maths_related"
    ),
}


def definition(definition_id: str) -> Definition:
    """Return the definition with this id; raise KeyError for an unknown one."""
    return BY_ID[definition_id]


def figures(result: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Yield (path, figure) for each figure of a five_outcomes dict that `FIGURES` names."""
    for path in FIGURES:
        node: Any = result
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            yield path, node


def with_definitions(result: dict[str, Any]) -> dict[str, Any]:
    """Give every figure of a five_outcomes dict its `definition` {id, version, doc}, in
    place, and return the dict. Outcome 1's own "definition" and "version" become that dict."""
    for path, figure in figures(result):
        figure.pop("version", None)
        figure["definition"] = definition(FIGURES[path]).as_dict()
    return result
