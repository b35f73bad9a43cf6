"""Instrument files: the shipped instruments, validation of bad files, content versions."""

import copy
import json
import re

import pytest
import yaml

from surveys.instruments import (
    DEFAULT_FOLDER,
    Instrument,
    InstrumentError,
    load_all,
    load_instrument,
)

# A small valid instrument; each bad-file case below breaks one thing in a copy of it.
VALID = {
    "key": "mood",
    "title": "Mood in maths",
    "options": [
        {"value": 1, "label": "Strongly disagree"},
        {"value": 2, "label": "Disagree"},
        {"value": 3, "label": "Agree"},
        {"value": 4, "label": "Strongly agree"},
    ],
    "scales": [
        {"key": "mood", "title": "Mood", "items": ["m1", "m2", "m3"], "min_answered": 2},
        {"key": "plans", "title": "Plans", "items": ["p1"], "scored": False},
    ],
    "items": [
        {"id": "m1", "text": "I like maths."},
        {"id": "m2", "text": "Maths is fun."},
        {"id": "m3", "text": "Maths is dull.", "reverse": True},
        {"id": "p1", "text": "Will you take A-level Maths?"},
    ],
}


def write(tmp_path, data, name="mood.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def write_text(tmp_path, text, name="mood.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def broken(change):
    data = copy.deepcopy(VALID)
    change(data)
    return data


# --- the shipped instruments ---------------------------------------------------------------


def test_the_shipped_instruments_load():
    instruments = load_all()
    assert set(instruments) == {"enjoyment", "self_efficacy", "self_efficacy_ks4", "aspirations"}
    for instrument in instruments.values():
        assert re.fullmatch(r"[0-9a-f]{12}", instrument.version)
        assert instrument.intro
    versions = {instrument.version for instrument in instruments.values()}
    assert len(versions) == 4


def test_enjoyment_is_a_scored_agree_scale_with_reversed_items():
    enjoyment = load_all()["enjoyment"]
    assert [o.label for o in enjoyment.options] == [
        "Strongly disagree",
        "Disagree",
        "Agree",
        "Strongly agree",
    ]
    assert enjoyment.option_values("enj_boring") == (1, 2, 3, 4)
    assert len(enjoyment.items_in("enjoyment")) == 6
    assert enjoyment.item("enj_boring").text == "Maths lessons are boring for me."
    reversed_ids = {item.id for item in enjoyment.items if item.reverse}
    assert reversed_ids == {"enj_boring", "enj_would_drop", "eng_mind_wanders"}
    assert [scale.key for scale in enjoyment.scored_scales] == ["enjoyment", "engagement"]
    for scale in enjoyment.scored_scales:
        assert scale.min_answered <= len(scale.item_ids)


def test_engagement_asks_about_behaviour_and_feeling_in_maths_lessons():
    engagement = load_all()["enjoyment"].items_in("engagement")
    assert len(engagement) == 6
    texts = " ".join(item.text for item in engagement)
    assert "try hard" in texts and "keep trying" in texts  # behaviour
    assert "interested" in texts and "belong" in texts  # feeling


def test_self_efficacy_asks_about_maths_tasks_on_a_confidence_scale():
    for key in ("self_efficacy", "self_efficacy_ks4"):
        self_efficacy = load_all()[key]
        assert self_efficacy.options[0].label == "Not at all confident"
        assert self_efficacy.options[-1].label == "Very confident"
        assert [scale.key for scale in self_efficacy.scored_scales] == ["self_efficacy"]
        assert not any(item.reverse for item in self_efficacy.items)
    ks3 = load_all()["self_efficacy"]
    assert ks3.item("se_percentage").text == "Work out 15% of £60 without a calculator."


def test_aspirations_are_single_choice_questions_without_a_score():
    aspirations = load_all()["aspirations"]
    # "Yes" and "No" must be quoted in the YAML or they would load as true and false.
    # Three answers that do not overlap (no "Maybe" beside "Not sure yet").
    assert [o.label for o in aspirations.options] == ["Yes", "No", "I have not decided yet"]
    assert aspirations.scored_scales == ()
    assert {item.id for item in aspirations.items} >= {
        "asp_alevel_maths",
        "asp_further_maths",
        "asp_maths_degree",
    }


def test_load_all_reads_every_yaml_file_in_a_folder(tmp_path):
    write(tmp_path, VALID, "a.yaml")
    write(tmp_path, {**VALID, "key": "other"}, "b.yaml")
    (tmp_path / "notes.txt").write_text("not an instrument", encoding="utf-8")
    assert set(load_all(tmp_path)) == {"mood", "other"}


def test_load_all_refuses_two_files_with_one_key(tmp_path):
    write(tmp_path, VALID, "a.yaml")
    write(tmp_path, VALID, "b.yaml")
    with pytest.raises(InstrumentError, match=r"b\.yaml: key 'mood' is already used by .*a\.yaml"):
        load_all(tmp_path)


def test_default_folder_holds_the_shipped_files():
    assert sorted(p.name for p in DEFAULT_FOLDER.glob("*.yaml")) == [
        "aspirations.yaml",
        "enjoyment.yaml",
        "self_efficacy.yaml",
        "self_efficacy_ks4.yaml",
    ]


# --- the parsed instrument -----------------------------------------------------------------


def test_items_know_their_scale_and_scales_keep_their_order(tmp_path):
    instrument = load_instrument(write(tmp_path, VALID))
    assert instrument.item("m3").scale == "mood"
    assert instrument.item("m3").reverse is True
    assert instrument.item("m1").reverse is False
    assert instrument.scale("plans").scored is False
    assert instrument.scale("plans").min_answered == 0
    grouped = [(s.key, [i.id for i in items]) for s, items in instrument.items_by_scale()]
    assert grouped == [("mood", ["m1", "m2", "m3"]), ("plans", ["p1"])]
    assert [s.key for s in instrument.scored_scales] == ["mood"]


def test_valid_answers_are_the_option_values_of_a_known_item(tmp_path):
    instrument = load_instrument(write(tmp_path, VALID))
    assert instrument.option_values("m1") == (1, 2, 3, 4)
    assert instrument.label_for("m1", 3) == "Agree"
    assert instrument.is_valid_answer("m1", 1)
    assert instrument.is_valid_answer("m1", 4)
    assert not instrument.is_valid_answer("m1", 0)
    assert not instrument.is_valid_answer("m1", 5)
    assert not instrument.is_valid_answer("m1", "3")
    assert not instrument.is_valid_answer("m1", True)
    assert not instrument.is_valid_answer("nope", 1)
    with pytest.raises(KeyError):
        instrument.option_values("nope")
    with pytest.raises(KeyError):
        instrument.label_for("m1", 9)


def test_to_dict_and_from_dict_give_back_the_same_instrument():
    for instrument in load_all().values():
        stored = json.loads(json.dumps(instrument.to_dict()))
        assert stored["version"] == instrument.version
        assert Instrument.from_dict(stored) == instrument


def test_from_dict_keeps_the_version_a_session_pinned(tmp_path):
    instrument = load_instrument(write(tmp_path, VALID))
    stored = {**instrument.to_dict(), "version": "0123456789ab"}
    assert Instrument.from_dict(stored).version == "0123456789ab"
    del stored["version"]
    assert Instrument.from_dict(stored).version == instrument.version


def test_from_dict_validates_like_a_file():
    with pytest.raises(InstrumentError, match="stored instrument: .*is in no scale"):
        Instrument.from_dict(
            broken(lambda d: d["items"].append({"id": "m4", "text": "Extra."})) | {"version": "x"}
        )


# --- versions ------------------------------------------------------------------------------


SAME_CONTENT_RESTYLED = """\
# The same instrument as VALID, written differently: comments, flow style, quoting,
# folded text, key order and defaults spelled out. None of that is content.
title: 'Mood in maths'
key: mood
options: [{label: Strongly disagree, value: 1}, {value: 2, label: "Disagree"},
          {value: 3, label: Agree}, {value: 4, label: Strongly agree}]
items:
  - {id: m1, text: I like maths., reverse: false}
  - id: m2
    text: >
      Maths is fun.
  - id: m3          # reverse-coded
    reverse: yes
    text: "Maths is dull."
  - id: p1
    text: Will you take A-level Maths?
scales:
  - {key: mood, title: Mood, min_answered: 2, scored: true, items: [m1, m2, m3]}
  - key: plans
    title: Plans
    scored: false
    items:
      - p1
"""


def test_version_ignores_layout_comments_and_spelled_out_defaults(tmp_path):
    original = load_instrument(write(tmp_path, VALID, "a.yaml"))
    restyled = load_instrument(write_text(tmp_path, SAME_CONTENT_RESTYLED, "b.yaml"))
    assert restyled == original
    assert restyled.version == original.version


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["items"][0].update(text="I love maths."),
        lambda d: d["items"][0].update(reverse=True),
        lambda d: d["items"].reverse(),
        lambda d: d["options"][3].update(label="Agree a lot"),
        lambda d: d["scales"][0].update(min_answered=3),
        lambda d: d["scales"][0].update(title="How you feel"),
        lambda d: d.update(title="Feelings"),
        lambda d: d.update(intro="Hello."),
    ],
    ids=["text", "reverse", "order", "label", "min_answered", "scale title", "title", "intro"],
)
def test_version_changes_when_content_changes(tmp_path, change):
    original = load_instrument(write(tmp_path, VALID, "a.yaml"))
    changed = load_instrument(write(tmp_path, broken(change), "b.yaml"))
    assert changed.version != original.version


# --- bad files -----------------------------------------------------------------------------


BAD = {
    "missing field": (lambda d: d.pop("title"), "field 'title' is required"),
    "unknown top field": (
        lambda d: d.update(colour="red"),
        "field 'colour' is unknown (allowed: intro, items, key, options, scales, title)",
    ),
    "item missing text": (
        lambda d: d["items"][1].pop("text"),
        "item 'm2': field 'text' is required",
    ),
    "misspelt reverse": (
        lambda d: d["items"][2].update(revers=True),
        "item 'm3': field 'revers' is unknown (allowed: anchor, id, reverse, text)",
    ),
    "duplicate item id": (
        lambda d: d["items"].append({"id": "m1", "text": "Again."}),
        "field 'items' id 'm1' is used more than once",
    ),
    "bad item id": (
        lambda d: d["items"][0].update(id="Item 1"),
        "item 1: field 'id' must be lower-case letters, digits and underscores, starting with a "
        "letter (got 'Item 1')",
    ),
    "empty text": (
        lambda d: d["items"][0].update(text="  "),
        "item 'm1': field 'text' must be non-empty text (got '  ')",
    ),
    "reverse not a flag": (
        lambda d: d["items"][0].update(reverse="sometimes"),
        "item 'm1': field 'reverse' must be true or false (got 'sometimes')",
    ),
    # pydantic would accept these in its default (lax) mode; instrument files may not.
    "reverse given as a number": (
        lambda d: d["items"][0].update(reverse=1),
        "item 'm1': field 'reverse' must be true or false (got 1)",
    ),
    "item given as a bare id": (
        lambda d: d["items"].__setitem__(0, "m1"),
        "item 1 must be a mapping of fields, not a str",
    ),
    "items given as a mapping": (
        lambda d: d.update(items={"m1": "I like maths."}),
        "field 'items' must be a non-empty list, not a dict",
    ),
    "intro not text": (lambda d: d.update(intro=5), "field 'intro' must be text (got 5)"),
    "scale lists unknown item": (
        lambda d: d["scales"][0]["items"].append("m9"),
        "scale 'mood' lists item 'm9', which is not in items",
    ),
    "item in no scale": (
        lambda d: d["items"].append({"id": "m4", "text": "Extra."}),
        "item 'm4' is in no scale",
    ),
    "item in two scales": (
        lambda d: d["scales"][1]["items"].append("m1"),
        "item 'm1' is in more than one scale (mood, plans)",
    ),
    "item twice in a scale": (
        lambda d: d["scales"][0]["items"].append("m1"),
        "scale 'mood': field 'items' lists item 'm1' more than once",
    ),
    "duplicate scale key": (
        lambda d: d["scales"][1].update(key="mood"),
        "field 'scales' key 'mood' is used more than once",
    ),
    "min_answered above item count": (
        lambda d: d["scales"][0].update(min_answered=4),
        "scale 'mood': field 'min_answered' is 4 but the scale has only 3 item(s)",
    ),
    "min_answered zero": (
        lambda d: d["scales"][0].update(min_answered=0),
        "scale 'mood': field 'min_answered' must be at least 1 (got 0)",
    ),
    "min_answered missing": (
        lambda d: d["scales"][0].pop("min_answered"),
        "scale 'mood': field 'min_answered' is required for a scored scale",
    ),
    "min_answered on unscored scale": (
        lambda d: d["scales"][1].update(min_answered=1),
        "scale 'plans': field 'min_answered' must not be set, because the scale is not scored",
    ),
    "reversed item in unscored scale": (
        lambda d: d["items"][3].update(reverse=True),
        "item 'p1' is reverse-coded but its scale 'plans' is not scored",
    ),
    "anchor item in unscored scale": (
        lambda d: d["items"][3].update(anchor=True),
        "item 'p1' is an anchor item but its scale 'plans' is not scored",
    ),
    "anchor not a flag": (
        lambda d: d["items"][0].update(anchor="yes"),
        "item 'm1': field 'anchor' must be true or false (got 'yes')",
    ),
    "no scales": (lambda d: d.update(scales=[]), "field 'scales' must be a non-empty list"),
    "scale without items": (
        lambda d: d["scales"][0].update(items=[]),
        "scale 'mood': field 'items' must be a non-empty list",
    ),
    "option values with a gap": (
        lambda d: d["options"][3].update(value=5),
        "field 'options' values must be consecutive whole numbers, lowest first (like 1, 2, 3, 4), "
        "not 1, 2, 3, 5",
    ),
    "option values highest first": (
        lambda d: d["options"].reverse(),
        "not 4, 3, 2, 1",
    ),
    "option value not a number": (
        lambda d: d["options"][0].update(value="1"),
        "option 1: field 'value' must be a whole number (got '1')",
    ),
    "one option only": (
        lambda d: d.update(options=[{"value": 1, "label": "Yes"}]),
        "field 'options' must offer at least two answers",
    ),
    "duplicate option label": (
        lambda d: d["options"][1].update(label="Agree"),
        "field 'options' label 'Agree' is used more than once",
    ),
    "option value given as true": (
        lambda d: d["options"][0].update(value=True),
        "option 1: field 'value' must be a whole number (got True)",
    ),
    "scale lists a number": (
        lambda d: d["scales"][0]["items"].append(4),
        "scale 'mood': field 'items' entry 4 must be text (got 4)",
    ),
    "option without label": (
        lambda d: d["options"][0].pop("label"),
        "option 1: field 'label' is required",
    ),
}


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_bad_file_is_refused_naming_the_file_and_the_problem(tmp_path, case):
    change, problem = case
    path = write(tmp_path, broken(change), "broken.yaml")
    with pytest.raises(InstrumentError) as caught:
        load_instrument(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert problem in message
    assert caught.value.source == str(path)


BAD_TEXT = {
    "empty file": ("", "the file is empty"),
    "comments only": ("# nothing yet\n", "the file is empty"),
    "not a mapping": ("- just\n- a list\n", "the instrument must be a mapping of fields"),
    "yaml syntax": ("key: mood\ntitle: [unclosed\n", "not valid YAML"),
    "key given twice": (
        yaml.safe_dump(VALID, sort_keys=False) + "title: Again\n",
        "'title' is given twice in one mapping",
    ),
    "unquoted Yes label": (
        SAME_CONTENT_RESTYLED.replace("label: Agree}", "label: Yes}"),
        "option 3: field 'label' must be text; put quotes round words like 'Yes' or 'No'",
    ),
}


@pytest.mark.parametrize("case", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_unreadable_yaml_is_refused_naming_the_file(tmp_path, case):
    text, problem = case
    path = write_text(tmp_path, text, "broken.yaml")
    with pytest.raises(InstrumentError) as caught:
        load_instrument(path)
    assert str(caught.value).startswith(str(path))
    assert problem in str(caught.value)


def test_missing_file_is_an_instrument_error(tmp_path):
    with pytest.raises(InstrumentError, match="nowhere.yaml: cannot read the file"):
        load_instrument(tmp_path / "nowhere.yaml")


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    data = broken(lambda d: d["items"][0].update(text=""))
    data["options"][0]["value"] = "one"
    data["scales"][0]["min_answered"] = 9
    with pytest.raises(InstrumentError) as caught:
        load_instrument(write(tmp_path, data))
    assert len(caught.value.problems) == 3
    assert "3 problems" in str(caught.value)


def test_one_rule_reports_every_entry_that_breaks_it(tmp_path):
    data = broken(
        lambda d: d["items"].extend([{"id": "m4", "text": "A."}, {"id": "m5", "text": "B."}])
    )
    data["scales"][1]["items"].append("m9")
    with pytest.raises(InstrumentError) as caught:
        load_instrument(write(tmp_path, data))
    assert caught.value.problems == [
        "scale 'plans' lists item 'm9', which is not in items",
        "item 'm4' is in no scale",
        "item 'm5' is in no scale",
    ]


def test_a_repeated_item_id_is_reported_with_the_problems_of_other_lists(tmp_path):
    data = broken(lambda d: d["items"].append({"id": "m1", "text": "Again."}))
    data["scales"][1]["title"] = " "
    with pytest.raises(InstrumentError) as caught:
        load_instrument(write(tmp_path, data))
    assert caught.value.problems == [
        "scale 'plans': field 'title' must be non-empty text (got ' ')",
        "field 'items' id 'm1' is used more than once",
    ]
