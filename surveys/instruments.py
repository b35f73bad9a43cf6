"""Survey instruments: YAML files of scales, items and response options. Pure logic, no Flask.

An instrument file looks like this (the shipped ones are in `surveys/instruments/`):

    key: enjoyment
    title: Enjoying maths
    intro: There are no right or wrong answers.   # optional, shown before the first item
    options:                    # one answer scale for every item, lowest value first,
      - {value: 1, label: Strongly disagree}      # values consecutive whole numbers
      - {value: 2, label: Disagree}
    scales:
      - key: enjoyment
        title: Enjoyment of maths
        items: [enj_best_part, enj_boring]
        min_answered: 2         # a score needs at least this many answered items
        scored: true            # optional, default true; false for plain questions
    items:                      # students see the items in this order
      - id: enj_best_part       # stable: answers are stored against it
        text: Maths is one of the best parts of my school week.
      - id: enj_boring
        text: Maths lessons are boring for me.
        reverse: true           # optional, default false
        anchor: false           # optional: true for an item worded the same in every form
                                # of an instrument (see `Instrument.anchor_items`)

Every item belongs to exactly one scale. A scale with `scored: false` groups questions whose
answers are categories (Yes / No / I have not decided yet), so it has no score, no
`min_answered`, no reverse-coded and no anchor items.

Forms: one construct asked of different age groups (self-efficacy: `self_efficacy` for
Years 7-9, `self_efficacy_ks4` for Years 10-11) is one instrument per form, with the same
scale key and some anchor items in common, worded identically; `scoring.anchor_score` scores
the anchors alone, which compares across forms.

The shape and these rules are checked by the pydantic models in `surveys.instrument_schema`; a
bad file raises InstrumentError listing every problem, each naming the entry and the field
("item 'enj_boring': field 'reverse' must be true or false (got 'sometimes')").

The version is a hash of the parsed content, so editing wording, order, options or rules makes a
new version while whitespace, comments and YAML style do not. A survey session stores
`Instrument.to_dict()` and reads it back with `Instrument.from_dict()`, so an old session keeps
the exact content it was answered with, whatever later happens to the file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from surveys import instrument_schema

DEFAULT_FOLDER = Path(__file__).parent / "instruments"
VERSION_LENGTH = 12


class InstrumentError(ValueError):
    """An instrument file (or stored instrument) is unreadable or breaks a rule.

    `source` names the file, `problems` lists every problem found; the message holds both.
    """

    def __init__(self, source: str, problems: Iterable[str]) -> None:
        self.source = source
        self.problems = list(problems)
        if len(self.problems) == 1:
            message = f"{source}: {self.problems[0]}"
        else:
            listed = "\n".join(f"  - {problem}" for problem in self.problems)
            message = f"{source}: {len(self.problems)} problems:\n{listed}"
        super().__init__(message)


@dataclass(frozen=True)
class Option:
    """One answer a student can give: the stored `value` and the `label` they see."""

    value: int
    label: str


@dataclass(frozen=True)
class Item:
    """One question or statement; `id` is stable because answers are stored against it."""

    id: str
    text: str
    scale: str
    reverse: bool = False
    anchor: bool = False


@dataclass(frozen=True)
class Scale:
    """Items scored together; a score needs at least `min_answered` answered items.

    An unscored scale (`scored=False`) only groups questions; its `min_answered` is 0.
    """

    key: str
    title: str
    item_ids: tuple[str, ...]
    min_answered: int
    scored: bool = True


@dataclass(frozen=True)
class Instrument:
    """A parsed, validated questionnaire at one content version."""

    key: str
    title: str
    version: str
    options: tuple[Option, ...]
    scales: tuple[Scale, ...]
    items: tuple[Item, ...]
    intro: str = ""

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def _scales_by_key(self) -> dict[str, Scale]:
        return {scale.key: scale for scale in self.scales}

    def item(self, item_id: str) -> Item:
        """Return the item with this id; raise KeyError if the instrument has none."""
        return self._items_by_id[item_id]

    def scale(self, scale_key: str) -> Scale:
        """Return the scale with this key; raise KeyError if the instrument has none."""
        return self._scales_by_key[scale_key]

    @property
    def scored_scales(self) -> tuple[Scale, ...]:
        """The scales that have a score, in file order."""
        return tuple(scale for scale in self.scales if scale.scored)

    def items_in(self, scale_key: str) -> tuple[Item, ...]:
        """Return the items of a scale in the scale's order; raise KeyError for an unknown key."""
        return tuple(self.item(item_id) for item_id in self.scale(scale_key).item_ids)

    def anchor_items(self, scale_key: str) -> tuple[Item, ...]:
        """Return a scale's anchor items (worded the same in every form), in scale order."""
        return tuple(item for item in self.items_in(scale_key) if item.anchor)

    def items_by_scale(self) -> tuple[tuple[Scale, tuple[Item, ...]], ...]:
        """Return (scale, its items) pairs, scales in file order, items in each scale's order."""
        return tuple((scale, self.items_in(scale.key)) for scale in self.scales)

    def options_for(self, item_id: str) -> tuple[Option, ...]:
        """Return the answer options of an item; raise KeyError for an unknown item."""
        self.item(item_id)
        return self.options

    def option_values(self, item_id: str) -> tuple[int, ...]:
        """Return the values a student may give to an item, lowest first; KeyError if unknown."""
        return tuple(option.value for option in self.options_for(item_id))

    def label_for(self, item_id: str, value: int) -> str:
        """Return the label of an answer value; raise KeyError if the item or value is unknown."""
        for option in self.options_for(item_id):
            if option.value == value:
                return option.label
        raise KeyError(value)

    def is_valid_answer(self, item_id: str, value: object) -> bool:
        """Say whether `value` (an int, not a numeric string) is an allowed answer to the item."""
        if item_id not in self._items_by_id or isinstance(value, bool):
            return False
        return isinstance(value, int) and value in self.option_values(item_id)

    def to_dict(self) -> dict[str, Any]:
        """Return the content as plain JSON-ready data, in the file's shape, plus `version`.

        Stored with a survey session; `Instrument.from_dict` gives back an equal instrument.
        """
        return {"version": self.version, **_content(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "stored instrument") -> Instrument:
        """Rebuild an instrument from `to_dict()` output; raise InstrumentError if it is invalid.

        A stored `version` is kept as it is, not recomputed: it is the identity a session
        pinned, and must survive later changes to how versions are computed.
        """
        if not isinstance(data, Mapping):
            raise InstrumentError(source, ["stored instrument must be a mapping"])
        content = {name: value for name, value in data.items() if name != "version"}
        instrument = _parse(content, source)
        stored = data.get("version")
        if stored is None:
            return instrument
        if not isinstance(stored, str) or not stored:
            raise InstrumentError(source, ["version must be text"])
        return _with_version(instrument, stored)


def load_instrument(path: str | os.PathLike[str]) -> Instrument:
    """Read and validate one instrument file; raise InstrumentError naming the file if it is bad."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InstrumentError(source, [f"cannot read the file ({error})"]) from error
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise InstrumentError(source, [f"not valid YAML: {error}"]) from error
    return _parse(data, source)


def load_all(folder: str | os.PathLike[str] = DEFAULT_FOLDER) -> dict[str, Instrument]:
    """Load every `*.yaml` file in `folder`, keyed by instrument key (sorted by file name).

    Raises InstrumentError for the first bad file, or when two files share a key.
    """
    instruments: dict[str, Instrument] = {}
    seen_in: dict[str, Path] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        instrument = load_instrument(path)
        if instrument.key in instruments:
            raise InstrumentError(
                str(path), [f"key '{instrument.key}' is already used by {seen_in[instrument.key]}"]
            )
        instruments[instrument.key] = instrument
        seen_in[instrument.key] = path
    return instruments


def content_version(instrument: Instrument) -> str:
    """Return the version an instrument's content hashes to (12 hex characters of SHA-256)."""
    canonical = json.dumps(
        _content(instrument), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:VERSION_LENGTH]


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (PyYAML keeps the last)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{key}' is given twice in one mapping", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _content(instrument: Instrument) -> dict[str, Any]:
    """The canonical content: the file's shape with every default written out."""
    scales = []
    for scale in instrument.scales:
        entry: dict[str, Any] = {
            "key": scale.key,
            "title": scale.title,
            "items": list(scale.item_ids),
            "scored": scale.scored,
        }
        if scale.scored:
            entry["min_answered"] = scale.min_answered
        scales.append(entry)
    return {
        "key": instrument.key,
        "title": instrument.title,
        "intro": instrument.intro,
        "options": [{"value": o.value, "label": o.label} for o in instrument.options],
        "scales": scales,
        # "anchor" only where true, so that instruments without anchors keep their versions.
        "items": [_item_content(item) for item in instrument.items],
    }


def _item_content(item: Item) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": item.id, "text": item.text, "reverse": item.reverse}
    if item.anchor:
        entry["anchor"] = True
    return entry


def _with_version(instrument: Instrument, version: str) -> Instrument:
    return Instrument(
        key=instrument.key,
        title=instrument.title,
        version=version,
        options=instrument.options,
        scales=instrument.scales,
        items=instrument.items,
        intro=instrument.intro,
    )


def _parse(data: object, source: str) -> Instrument:
    """Validate raw YAML/JSON data and build the Instrument, or raise InstrumentError."""
    if data is None:
        raise InstrumentError(source, ["the file is empty"])
    try:
        checked = instrument_schema.validate(data)
    except ValidationError as error:
        raise InstrumentError(source, instrument_schema.explain(error, data)) from error
    scale_of = {item_id: scale.key for scale in checked.scales for item_id in scale.items}
    instrument = Instrument(
        key=checked.key,
        title=checked.title,
        version="",
        options=tuple(Option(value=o.value, label=o.label) for o in checked.options),
        scales=tuple(
            Scale(
                key=scale.key,
                title=scale.title,
                item_ids=scale.items,
                min_answered=scale.min_answered if scale.scored else 0,
                scored=scale.scored,
            )
            for scale in checked.scales
        ),
        items=tuple(
            Item(
                id=item.id,
                text=item.text,
                scale=scale_of[item.id],
                reverse=item.reverse,
                anchor=item.anchor,
            )
            for item in checked.items
        ),
        intro=checked.intro or "",
    )
    return _with_version(instrument, content_version(instrument))
