"""The shape of an instrument file, checked by pydantic, and its problems put into words.

The models mirror the YAML file described in `surveys.instruments` field for field; the app's
own `Instrument` is built from a file that passed them. `validate(data)` returns the checked
file or raises `pydantic.ValidationError`; `explain(error, data)` turns that error into one
sentence per problem that names the item, scale or option and the field, for example
"item 'enj_boring': field 'reverse' must be true or false (got 'sometimes')".

Pydantic runs a model's cross-field rules only once every field of it is valid, so a broken
entry is reported once rather than echoed by the rules that refer to it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
RULE = "instrument_rule"  # the error type of the rules below; its context lists the problems


def _broken(problems: list[str]) -> PydanticCustomError:
    """One error carrying every problem a rule found, so that an author sees them all at once."""
    return PydanticCustomError(
        RULE, "{problems}", {"problems": "; ".join(problems), "each": tuple(problems)}
    )


def _entries(value: object) -> tuple[Any, ...]:
    """Accept a non-empty YAML list, as a tuple; refuse anything else (a mapping, a string)."""
    if isinstance(value, list) and value:
        return tuple(value)
    if isinstance(value, list):
        raise _broken(["must be a non-empty list"])
    raise _broken([f"must be a non-empty list, not {_kind(value)}"])


Entry = TypeVar("Entry")
Entries = Annotated[tuple[Entry, ...], BeforeValidator(_entries)]
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _repeated(values: Iterable[Any]) -> list[Any]:
    """The values given more than once, in order of first appearance."""
    counts = Counter(values)
    return [value for value, count in counts.items() if count > 1]


class _Shape(BaseModel):
    # strict: a number in quotes is not a number, "yes" in quotes is not true.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class OptionEntry(_Shape):
    """One answer on the instrument's scale: the stored value and the label students see."""

    value: int
    label: Text


class ItemEntry(_Shape):
    """One question or statement."""

    id: Name
    text: Text
    reverse: bool = False
    # An anchor item is asked with the same wording in every form of an instrument (the KS3
    # and KS4 self-efficacy forms), so scores on the anchors alone compare across forms.
    anchor: bool = False


class ScaleEntry(_Shape):
    """Items scored together, or (`scored: false`) questions that are only grouped."""

    key: Name
    title: Text
    items: Entries[str]
    # 0 means "not given": a scored scale must give it, an unscored one must not.
    min_answered: int = Field(default=0, ge=1)
    scored: bool = True

    @model_validator(mode="after")
    def _rules(self) -> Self:
        problems = [
            f"field 'items' lists item '{item_id}' more than once"
            for item_id in _repeated(self.items)
        ]
        given = "min_answered" in self.model_fields_set
        if not self.scored and given:
            problems.append("field 'min_answered' must not be set, because the scale is not scored")
        elif self.scored and not given:
            problems.append("field 'min_answered' is required for a scored scale")
        elif self.scored and self.min_answered > len(self.items):
            problems.append(
                f"field 'min_answered' is {self.min_answered} "
                f"but the scale has only {len(self.items)} item(s)"
            )
        if problems:
            raise _broken(problems)
        return self


class InstrumentFile(_Shape):
    """A whole instrument file: every item in exactly one scale, one answer scale for all."""

    key: Name
    title: Text
    intro: Annotated[str, StringConstraints(strip_whitespace=True)] | None = None
    options: Entries[OptionEntry]
    scales: Entries[ScaleEntry]
    items: Entries[ItemEntry]

    @field_validator("options")
    @classmethod
    def _answer_scale(cls, options: tuple[OptionEntry, ...]) -> tuple[OptionEntry, ...]:
        if len(options) < 2:
            raise _broken(["must offer at least two answers"])
        problems = []
        values = [option.value for option in options]
        if values != list(range(values[0], values[0] + len(values))):
            shown = ", ".join(str(value) for value in values)
            problems.append(
                "values must be consecutive whole numbers, lowest first "
                f"(like 1, 2, 3, 4), not {shown}"
            )
        problems += [
            f"label '{label}' is used more than once"
            for label in _repeated(option.label for option in options)
        ]
        if problems:
            raise _broken(problems)
        return options

    @field_validator("items")
    @classmethod
    def _unique_ids(cls, items: tuple[ItemEntry, ...]) -> tuple[ItemEntry, ...]:
        repeated = _repeated(item.id for item in items)
        if repeated:
            raise _broken([f"id '{item_id}' is used more than once" for item_id in repeated])
        return items

    @field_validator("scales")
    @classmethod
    def _unique_keys(cls, scales: tuple[ScaleEntry, ...]) -> tuple[ScaleEntry, ...]:
        repeated = _repeated(scale.key for scale in scales)
        if repeated:
            raise _broken([f"key '{key}' is used more than once" for key in repeated])
        return scales

    @model_validator(mode="after")
    def _references(self) -> Self:
        # Runs only once every field passed, so each id names one item and each key one scale.
        problems = self._membership()
        if problems:
            raise _broken(problems)
        return self

    def _membership(self) -> list[str]:
        """Each item in exactly one scale; scales list only known items; no reversed plain items."""
        problems = []
        known = {item.id for item in self.items}
        homes: dict[str, list[str]] = {}
        for scale in self.scales:
            for item_id in scale.items:
                if item_id not in known:
                    problems.append(
                        f"scale '{scale.key}' lists item '{item_id}', which is not in items"
                    )
                homes.setdefault(item_id, []).append(scale.key)
        unscored = {scale.key for scale in self.scales if not scale.scored}
        for item in self.items:
            found = homes.get(item.id, [])
            if not found:
                problems.append(f"item '{item.id}' is in no scale")
            elif len(found) > 1:
                problems.append(f"item '{item.id}' is in more than one scale ({', '.join(found)})")
            elif item.reverse and found[0] in unscored:
                problems.append(
                    f"item '{item.id}' is reverse-coded but its scale '{found[0]}' is not scored"
                )
            elif item.anchor and found[0] in unscored:
                problems.append(
                    f"item '{item.id}' is an anchor item but its scale '{found[0]}' is not scored"
                )
        return problems


def validate(data: object) -> InstrumentFile:
    """Check raw YAML/JSON data against the file's shape and rules; raise ValidationError."""
    return InstrumentFile.model_validate(data)


# --- pydantic's errors in an author's words --------------------------------------------------

# The entries of the file's three lists: what one is called, the field that names it, its model.
_ENTRIES: dict[str, tuple[str, str | None, type[_Shape]]] = {
    "options": ("option", None, OptionEntry),
    "items": ("item", "id", ItemEntry),
    "scales": ("scale", "key", ScaleEntry),
}

_WORDS = {
    "missing": "is required",
    "string_type": "must be text (got {input!r})",
    "string_too_short": "must be non-empty text (got {input!r})",
    "string_pattern_mismatch": (
        "must be lower-case letters, digits and underscores, starting with a letter (got {input!r})"
    ),
    "int_type": "must be a whole number (got {input!r})",
    "bool_type": "must be true or false (got {input!r})",
    "greater_than_equal": "must be at least {ge} (got {input!r})",
}


def explain(error: ValidationError, data: object) -> list[str]:
    """Return one sentence per problem in `error`, naming the entry and the field.

    `data` is the raw input that failed, used to name an entry by its id or key where the
    id is usable ("item 'enj_boring'") and by its position otherwise ("item 3").
    """
    sentences: list[str] = []
    for detail in error.errors(include_url=False):
        where, model, path = _place(detail["loc"], data)
        field = _field(path)
        if detail["type"] == RULE:
            words = list(detail["ctx"]["each"])
        elif detail["type"] in ("model_type", "dict_type"):
            kind = _kind(detail["input"])
            sentences.append(f"{where or 'the instrument'} must be a mapping of fields, not {kind}")
            continue
        elif detail["type"] == "extra_forbidden":
            allowed = ", ".join(sorted(model.model_fields))
            words = [f"is unknown (allowed: {allowed})"]
        else:
            words = [_words(detail)]
        subject = f"{where}: " if where else ""
        subject += f"{field} " if field else ""
        sentences += [f"{subject}{text}" for text in words]
    return sentences


def _place(
    loc: tuple[int | str, ...], data: object
) -> tuple[str, type[_Shape], tuple[int | str, ...]]:
    """Split a pydantic location into the entry it is in, that entry's model, and the rest."""
    if len(loc) >= 2 and loc[0] in _ENTRIES and isinstance(loc[1], int):
        noun, id_field, model = _ENTRIES[str(loc[0])]
        entry = data[loc[0]][loc[1]] if isinstance(data, Mapping) else None  # type: ignore[index]
        ident = entry.get(id_field) if id_field and isinstance(entry, Mapping) else None
        if isinstance(ident, str) and re.match(NAME_PATTERN, ident):
            return f"{noun} '{ident}'", model, loc[2:]
        return f"{noun} {loc[1] + 1}", model, loc[2:]
    return "", InstrumentFile, loc


def _field(path: tuple[int | str, ...]) -> str:
    """'field 'items' entry 3' for the path ('items', 2); '' for the entry itself."""
    if not path:
        return ""
    return " ".join(
        [f"field '{path[0]}'", *(f"entry {part + 1}" for part in path[1:] if isinstance(part, int))]
    )


def _words(detail: ErrorDetails) -> str:
    value = detail["input"]
    if detail["type"] == "string_type" and isinstance(value, bool):
        return "must be text; put quotes round words like 'Yes' or 'No'"
    template = _WORDS.get(detail["type"])
    if template is None:
        return detail["msg"]
    return template.format(input=value, **detail.get("ctx", {}))


def _kind(value: object) -> str:
    return "nothing" if value is None else f"a {type(value).__name__}"
