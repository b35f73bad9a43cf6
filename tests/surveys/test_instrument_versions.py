"""Earlier answers keep their meaning: sessions answered with the first shipped versions of the
instruments (kept verbatim in tests/surveys/instruments_v1/) score and read as they did after
the files changed (engagement items added, aspirations options reworded, self-efficacy split
into a KS3 and a KS4 form), and the two self-efficacy forms compare through their anchors."""

import csv
import io
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Role
from surveys import exports, scoring, services
from surveys.instruments import load_all
from surveys.models import SurveyResponse
from tests.factories import make_group, make_school, make_student, make_user

FIRST = load_all(Path(__file__).parent / "instruments_v1")
NOW = load_all()
# One student's answers to the first enjoyment version: after reverse coding 4, 3, 3, 2, 3, 2.
OLD_ENJOYMENT = {"enj_best_part": 4, "enj_boring": 2, "enj_good_feeling": 3, "enj_for_fun": 2,
                 "enj_would_drop": 2, "enj_time_flies": 2}  # fmt: skip


def answered(instrument, answers):
    school = make_school()
    student = make_student(school)
    group = make_group(school, name="10X1", students=[student])
    survey = services.open_session(make_user(Role.LEAD, school), group, instrument, "Autumn 2024")
    response = SurveyResponse(session_id=survey.id, student_id=student.id)
    db.session.add(response)
    db.session.flush()
    services.submit(response.id, answers)
    db.session.commit()
    return survey, student


def test_every_shipped_instrument_is_a_new_version_of_the_first():
    for key in ("enjoyment", "self_efficacy", "aspirations"):
        assert NOW[key].version != FIRST[key].version, key


def test_the_enjoyment_items_are_unchanged_so_old_and_new_answers_score_alike():
    old_items = [(i.id, i.text, i.reverse) for i in FIRST["enjoyment"].items_in("enjoyment")]
    new_items = [(i.id, i.text, i.reverse) for i in NOW["enjoyment"].items_in("enjoyment")]
    assert old_items == new_items
    for instrument in (FIRST["enjoyment"], NOW["enjoyment"]):
        assert scoring.scale_score(instrument, "enjoyment", OLD_ENJOYMENT) == pytest.approx(17 / 6)


def test_an_old_enjoyment_session_keeps_its_version_and_scores(app):
    survey, student = answered(FIRST["enjoyment"], OLD_ENJOYMENT)
    services.open_session(None, survey.group, NOW["enjoyment"])  # the file has moved on
    db.session.commit()
    assert survey.instrument.version == FIRST["enjoyment"].version
    results = services.session_results(survey)
    assert list(results.summaries) == ["enjoyment"]  # no engagement scale in that version
    assert results.students[0].scores == {"enjoyment": pytest.approx(17 / 6)}
    (history,) = services.scores_for_student(student.id)
    assert [p.score for p in history.points] == [pytest.approx(17 / 6)]


def test_an_old_aspirations_answer_keeps_its_label(app):
    # Value 2 meant "Maybe" in the first version; in the current one it means "No".
    survey, _ = answered(FIRST["aspirations"], {"asp_alevel_maths": 2, "asp_maths_degree": 4})
    services.open_session(None, survey.group, NOW["aspirations"])
    db.session.commit()
    results = services.session_results(survey)
    assert results.counts["asp_alevel_maths"] == {1: 0, 2: 1, 3: 0, 4: 0}
    rows = list(csv.DictReader(io.StringIO(exports.long_csv(results))))
    assert [(r["item_id"], r["answer"]) for r in rows] == [
        ("asp_alevel_maths", "Maybe"),
        ("asp_maths_degree", "Not sure yet"),
    ]
    assert NOW["aspirations"].label_for("asp_alevel_maths", 2) == "No"


def test_an_old_self_efficacy_session_scores_with_its_own_items_and_rule(app):
    # Six of the first version's eight tasks: enough there (min 6), too few for the KS3 form
    # now (ten tasks, min 7), which must not matter to the old session.
    six = dict.fromkeys(
        ["se_percentage", "se_fractions", "se_ratio", "se_triangle_area", "se_equation",
         "se_straight_line"],
        3,
    )  # fmt: skip
    assert scoring.scale_score(NOW["self_efficacy"], "self_efficacy", six) is None
    survey, _ = answered(FIRST["self_efficacy"], six)
    assert services.session_results(survey).students[0].scores == {"self_efficacy": 3.0}


def test_the_ks3_and_ks4_forms_share_identically_worded_anchor_items():
    ks3, ks4 = NOW["self_efficacy"], NOW["self_efficacy_ks4"]
    anchors3 = [(i.id, i.text) for i in ks3.anchor_items("self_efficacy")]
    anchors4 = [(i.id, i.text) for i in ks4.anchor_items("self_efficacy")]
    assert anchors3 == anchors4 and len(anchors3) >= 4
    assert ks3.options == ks4.options
    shared = {i.id for i in ks3.items} & {i.id for i in ks4.items}
    assert shared == {item_id for item_id, _ in anchors3}  # only the anchors are shared
    assert any("unlike any you have practised" in text for _, text in anchors3)


def test_the_ks4_form_reaches_higher_tier_so_able_students_are_not_all_at_the_top():
    ks4 = NOW["self_efficacy_ks4"]
    texts = " ".join(item.text for item in ks4.items)
    for higher_tier in ("cosine rule", "x² + y² = 25", "Prove", "tangent"):
        assert higher_tier in texts
    # A Year 10 student sure of every KS3-level task but not of the Higher-tier ones is below
    # the top on the KS4 form.
    anchors = {item.id: 4 for item in ks4.anchor_items("self_efficacy")}
    rest = {item.id: 2 for item in ks4.items if not item.anchor}
    assert scoring.scale_score(ks4, "self_efficacy", anchors | rest) < 3.2


def test_anchor_scores_compare_across_the_forms():
    ks3, ks4 = NOW["self_efficacy"], NOW["self_efficacy_ks4"]
    anchors = {item.id: value for item, value in zip(ks3.anchor_items("self_efficacy"),
                                                     [4, 3, 3, 2, 1], strict=True)}  # fmt: skip
    easy = {item.id: 4 for item in ks3.items if not item.anchor}
    hard = {item.id: 1 for item in ks4.items if not item.anchor}
    assert scoring.anchor_score(ks3, "self_efficacy", anchors | easy) == 2.6
    assert scoring.anchor_score(ks4, "self_efficacy", anchors | hard) == 2.6
    # All but one anchor is enough; two missing is not.
    missing_one = dict(list(anchors.items())[1:])
    assert scoring.anchor_score(ks4, "self_efficacy", missing_one) == 2.25
    assert scoring.anchor_score(ks4, "self_efficacy", dict(list(anchors.items())[2:])) is None
    # An instrument without anchors has no anchor score.
    assert scoring.anchor_score(NOW["enjoyment"], "enjoyment", OLD_ENJOYMENT) is None
