"""The benchmark form: every field labelled, every mistake named in words (a value out of
range, a measure that is none of ours, a year that is not a year)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from tracking import definitions

FIRST_YEAR = 1900
VALUE = re.compile(r"-?(\d+)(?:\.(\d+))?")
NO_MEASURE = ""
MATCHES = [
    SelectChoice("yes", "Yes: it counts what our figure counts"),
    SelectChoice("no", "No: it differs"),
]


def measure_choices() -> list[SelectChoice]:
    """The figures a benchmark may sit beside: none, or one of our definitions."""
    return [SelectChoice(NO_MEASURE, "None: show it in the benchmarks list only")] + [
        SelectChoice(d.id, d.title) for d in definitions.DEFINITIONS
    ]


def parse_value(text: str | None) -> float:
    """A percentage as typed ("28.8", "20", "70 %") as a number; raises ValueError with a
    message for the user for anything else."""
    typed = (text or "").strip().removesuffix("%").strip()
    found = VALUE.fullmatch(typed)
    if not found:
        raise ValueError("Enter the value as a percentage, a number such as 28.8")
    if found.group(2) is not None and len(found.group(2)) > 1:
        raise ValueError("Give the value to one decimal place at most (28.8, not 28.83)")
    value = float(typed)
    if not 0 <= value <= 100:
        raise ValueError(f"The value is a percentage: it must be from 0 to 100, not {typed}")
    return value


def parse_year(text: str | None, today: date | None = None) -> int:
    """A year as typed ("2019"); raises ValueError with a message for anything else."""
    typed = (text or "").strip()
    last = (today or date.today()).year
    if not (typed.isascii() and typed.isdigit() and len(typed) == 4):
        raise ValueError("Enter the year as four digits, such as 2019")
    if not FIRST_YEAR <= int(typed) <= last:
        raise ValueError(f"Enter a year from {FIRST_YEAR} to {last}")
    return int(typed)


def _parsed(parse):
    def check(_form, field) -> None:
        try:
            parse(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    return check


def _web_address(_form, field) -> None:
    typed = (field.data or "").strip()
    if not typed:
        return
    parts = urlsplit(typed)
    if parts.scheme not in {"http", "https"} or "." not in parts.netloc or " " in typed:
        raise ValidationError("Enter a full web address starting with https://, or nothing")


def _known_measure(_form, field) -> None:
    if field.data and field.data not in definitions.BY_ID:
        raise ValidationError("Unknown measure: choose one of our figures from the list, or none")


def _difference_when_it_differs(form, field) -> None:
    if form.matches.data == "no" and not (field.data or "").strip():
        raise ValidationError("Say how their definition differs from ours")


def _matches_answered(_form, field) -> None:
    if field.data not in {"yes", "no"}:
        raise ValidationError("Say whether their definition matches ours")


class BenchmarkForm(FlaskForm):
    measure = SelectField(
        "Shown beside", choices=measure_choices, validate_choice=False, validators=[_known_measure]
    )
    value = StringField("Value (%)", validators=[_parsed(parse_value)])
    year = StringField("Year", validators=[_parsed(parse_year)])
    geography = StringField(
        "Geography", validators=[DataRequired("Enter the geography"), Length(max=100)]
    )
    population = TextAreaField(
        "Population", validators=[DataRequired("Say who was counted"), Length(max=1000)]
    )
    definition = TextAreaField(
        "Their definition",
        validators=[DataRequired("Give their definition in words"), Length(max=2000)],
    )
    source = TextAreaField(
        "Source", validators=[DataRequired("Name the publication"), Length(max=2000)]
    )
    source_url = StringField(
        "Source web address",
        validators=[Length(max=500), _web_address],
    )
    matches = RadioField(
        "Does their definition match ours?",
        choices=MATCHES,
        validate_choice=False,
        validators=[_matches_answered],
    )
    difference = TextAreaField(
        "How it differs from ours", validators=[_difference_when_it_differs, Length(max=2000)]
    )

    def data_for_service(self) -> dict[str, Any]:
        """The checked fields as `services.add` and `services.edit` take them."""
        url = (self.source_url.data or "").strip()
        return {
            "measure": self.measure.data or None,
            "value": parse_value(self.value.data),
            "year": parse_year(self.year.data),
            "geography": self.geography.data.strip(),
            "population": self.population.data.strip(),
            "definition": self.definition.data.strip(),
            "source": self.source.data.strip(),
            "source_url": url or None,
            "matches_our_definition": self.matches.data == "yes",
            "difference": (self.difference.data or "").strip() or None,
        }

    @classmethod
    def for_benchmark(cls, benchmark) -> BenchmarkForm:
        """The form filled in with a stored benchmark, for editing."""
        return cls(
            formdata=None,
            measure=benchmark.measure or NO_MEASURE,
            value=f"{float(benchmark.value):.1f}",
            year=str(benchmark.year),
            geography=benchmark.geography,
            population=benchmark.population,
            definition=benchmark.definition,
            source=benchmark.source,
            source_url=benchmark.source_url or "",
            matches="yes" if benchmark.matches_our_definition else "no",
            difference=benchmark.difference or "",
        )


class BenchmarkIdForm(FlaskForm):
    """Which benchmark a POST is about (a hidden field, with the CSRF token)."""

    benchmark = HiddenField()
