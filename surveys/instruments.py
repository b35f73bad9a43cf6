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

Every item belongs to exactly one scale. A scale with `scored: false` groups questions whose
answers are categories (Yes / Maybe / No), so it has no score, no `min_answered` and no
reverse-coded items.

The version is a hash of the parsed content, so editing wording, order, options or rules makes a
new version while whitespace, comments and YAML style do not. A survey session stores
`Instrument.to_dict()` and reads it back with `Instrument.from_dict()`, so an old session keeps
the exact content it was answered with, whatever later happens to the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

DEFAULT_FOLDER = Path(__file__).parent / "instruments"
VERSION_LENGTH = 12

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_REQUIRED = ("key", "title", "options", "scales", "items")
_TOP_OPTIONAL = ("intro",)


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
        "items": [
            {"id": item.id, "text": item.text, "reverse": item.reverse} for item in instrument.items
        ],
    }


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


class _Checker:
    """Collects problems so that an author sees all of them at once."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, problem: str) -> None:
        self.problems.append(problem)

    def fields(
        self, data: object, where: str, required: Iterable[str], optional: Iterable[str] = ()
    ) -> bool:
        """Check `data` is a mapping with every required field and no unknown one."""
        if not isinstance(data, Mapping):
            self.add(f"{where} must be a mapping of fields, not {_kind(data)}")
            return False
        required = tuple(required)
        known = set(required) | set(optional)
        missing = [name for name in required if name not in data]
        unknown = sorted(str(name) for name in data if name not in known)
        for name in missing:
            self.add(f"{where} is missing '{name}'")
        if unknown:
            allowed = ", ".join(sorted(known))
            self.add(f"{where} has unknown field(s) {', '.join(unknown)} (allowed: {allowed})")
        return not missing and not unknown

    def name(self, value: object, where: str) -> str | None:
        if not isinstance(value, str) or not _NAME.match(value):
            self.add(
                f"{where} must be lower-case letters, digits and underscores, "
                f"starting with a letter (got {value!r})"
            )
            return None
        return value

    def text(self, value: object, where: str) -> str | None:
        if isinstance(value, bool):
            self.add(f"{where} must be text; put quotes round words like 'Yes' or 'No'")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(f"{where} must be non-empty text (got {value!r})")
            return None
        return value.strip()

    def whole_number(self, value: object, where: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(f"{where} must be a whole number (got {value!r})")
            return None
        return value

    def flag(self, value: object, where: str) -> bool | None:
        if not isinstance(value, bool):
            self.add(f"{where} must be true or false (got {value!r})")
            return None
        return value

    def entries(self, value: object, where: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            self.add(f"{where} must be a non-empty list")
            return []
        return value


def _kind(value: object) -> str:
    return "nothing" if value is None else f"a {type(value).__name__}"


def _parse(data: object, source: str) -> Instrument:
    """Validate raw YAML/JSON data and build the Instrument, or raise InstrumentError."""
    check = _Checker()
    if data is None:
        raise InstrumentError(source, ["the file is empty"])
    if not check.fields(data, "the instrument", _TOP_REQUIRED, _TOP_OPTIONAL):
        raise InstrumentError(source, check.problems)
    assert isinstance(data, Mapping)  # for type checkers; fields() has checked it

    key = check.name(data["key"], "key")
    title = check.text(data["title"], "title")
    intro = data.get("intro") or ""
    if not isinstance(intro, str):
        check.add(f"intro must be text (got {intro!r})")
        intro = ""

    options = _parse_options(check, data["options"])
    items = _parse_items(check, data["items"])
    scales = _parse_scales(check, data["scales"])
    if not check.problems:
        # Cross-references only once every entry parsed, or a bad entry would echo here.
        _check_membership(check, scales, items)

    if check.problems:
        raise InstrumentError(source, check.problems)
    assert key is not None and title is not None

    scale_of = {item_id: scale["key"] for scale in scales for item_id in scale["items"]}
    instrument = Instrument(
        key=key,
        title=title,
        version="",
        options=tuple(options),
        scales=tuple(
            Scale(
                key=scale["key"],
                title=scale["title"],
                item_ids=tuple(scale["items"]),
                min_answered=scale["min_answered"],
                scored=scale["scored"],
            )
            for scale in scales
        ),
        items=tuple(
            Item(
                id=item["id"],
                text=item["text"],
                scale=scale_of[item["id"]],
                reverse=item["reverse"],
            )
            for item in items
        ),
        intro=intro.strip(),
    )
    return _with_version(instrument, content_version(instrument))


def _parse_options(check: _Checker, raw: object) -> list[Option]:
    options: list[Option] = []
    entries = check.entries(raw, "options")
    for number, entry in enumerate(entries, start=1):
        where = f"option {number}"
        if not check.fields(entry, where, ("value", "label")):
            continue
        value = check.whole_number(entry["value"], f"{where} value")
        label = check.text(entry["label"], f"{where} label")
        if value is not None and label is not None:
            options.append(Option(value=value, label=label))
    if entries and len(entries) < 2:
        check.add("options must offer at least two answers")
    if len(options) == len(entries) >= 2:
        values = [option.value for option in options]
        if values != list(range(values[0], values[0] + len(values))):
            shown = ", ".join(str(value) for value in values)
            check.add(
                "option values must be consecutive whole numbers, lowest first "
                f"(like 1, 2, 3, 4), not {shown}"
            )
        labels = [option.label for option in options]
        for label in sorted({label for label in labels if labels.count(label) > 1}):
            check.add(f"option label '{label}' is used more than once")
    return options


def _parse_items(check: _Checker, raw: object) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, entry in enumerate(check.entries(raw, "items"), start=1):
        where = f"item {number}"
        if not check.fields(entry, where, ("id", "text"), ("reverse",)):
            continue
        item_id = check.name(entry["id"], f"{where} id")
        if item_id is not None:
            where = f"item '{item_id}'"
            if item_id in seen:
                check.add(f"item id '{item_id}' is used more than once")
                continue
            seen.add(item_id)
        text = check.text(entry["text"], f"{where} text")
        reverse = check.flag(entry.get("reverse", False), f"{where} reverse")
        if item_id is not None and text is not None and reverse is not None:
            items.append({"id": item_id, "text": text, "reverse": reverse})
    return items


def _parse_scales(check: _Checker, raw: object) -> list[dict[str, Any]]:
    scales: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, entry in enumerate(check.entries(raw, "scales"), start=1):
        where = f"scale {number}"
        if not check.fields(entry, where, ("key", "title", "items"), ("min_answered", "scored")):
            continue
        key = check.name(entry["key"], f"{where} key")
        if key is not None:
            where = f"scale '{key}'"
            if key in seen:
                check.add(f"scale key '{key}' is used more than once")
                continue
            seen.add(key)
        title = check.text(entry["title"], f"{where} title")
        item_ids = _parse_scale_items(check, entry["items"], where)
        scored = check.flag(entry.get("scored", True), f"{where} scored")
        min_answered = _parse_min_answered(check, entry, where, scored, item_ids)
        if None not in (key, title, item_ids, scored, min_answered):
            scales.append(
                {
                    "key": key,
                    "title": title,
                    "items": item_ids,
                    "scored": scored,
                    "min_answered": min_answered,
                }
            )
    return scales


def _parse_scale_items(check: _Checker, raw: object, where: str) -> list[str] | None:
    if not isinstance(raw, list) or not raw:
        check.add(f"{where} items must be a non-empty list of item ids")
        return None
    if not all(isinstance(item_id, str) for item_id in raw):
        check.add(f"{where} items must be item ids (text), not {raw!r}")
        return None
    for item_id in sorted({item_id for item_id in raw if raw.count(item_id) > 1}):
        check.add(f"{where} lists item '{item_id}' more than once")
    return list(raw)


def _parse_min_answered(
    check: _Checker,
    entry: Mapping[str, Any],
    where: str,
    scored: bool | None,
    item_ids: list[str] | None,
) -> int | None:
    if scored is False:
        if "min_answered" in entry:
            check.add(f"{where} is not scored, so it must not set min_answered")
            return None
        return 0
    if "min_answered" not in entry:
        check.add(f"{where} is missing 'min_answered' (needed for a scored scale)")
        return None
    min_answered = check.whole_number(entry["min_answered"], f"{where} min_answered")
    if min_answered is None:
        return None
    if min_answered < 1:
        check.add(f"{where} min_answered must be at least 1 (got {min_answered})")
        return None
    if item_ids is not None and min_answered > len(item_ids):
        check.add(
            f"{where} min_answered is {min_answered} but the scale has only {len(item_ids)} item(s)"
        )
        return None
    return min_answered


def _check_membership(
    check: _Checker, scales: list[dict[str, Any]], items: list[dict[str, Any]]
) -> None:
    """Every item in exactly one scale; scales list only known items; no reversed plain items."""
    known = {item["id"] for item in items}
    homes: dict[str, list[str]] = {}
    for scale in scales:
        for item_id in dict.fromkeys(scale["items"]):
            if item_id not in known:
                check.add(f"scale '{scale['key']}' lists item '{item_id}', which is not in items")
            homes.setdefault(item_id, []).append(scale["key"])
    unscored = {scale["key"] for scale in scales if not scale["scored"]}
    for item in items:
        found = homes.get(item["id"], [])
        if not found:
            check.add(f"item '{item['id']}' is in no scale")
        elif len(found) > 1:
            check.add(f"item '{item['id']}' is in more than one scale ({', '.join(found)})")
        elif item["reverse"] and found[0] in unscored:
            check.add(
                f"item '{item['id']}' is reverse-coded but its scale '{found[0]}' is not scored"
            )
