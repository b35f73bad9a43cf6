"""Scale scores, reverse coding, Cronbach's alpha and summaries, against hand-worked values."""

import math

import pytest

from surveys.instruments import Instrument, load_all
from surveys.scoring import (
    ScaleSummary,
    answer_counts,
    coded_value,
    complete_cases,
    cronbach_alpha,
    scale_alpha,
    scale_score,
    scores_by_student,
    student_scores,
    summarise,
    summarise_scale,
)

# Options 1..4. "mood" has three items, m3 reverse-coded, and needs 2 answered for a score;
# "single" has one item; "plans" is a question without a score.
INSTRUMENT = Instrument.from_dict(
    {
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
            {"key": "single", "title": "Single", "items": ["s1"], "min_answered": 1},
            {"key": "plans", "title": "Plans", "items": ["p1"], "scored": False},
        ],
        "items": [
            {"id": "m1", "text": "I like maths."},
            {"id": "m2", "text": "Maths is fun."},
            {"id": "m3", "text": "Maths is dull.", "reverse": True},
            {"id": "s1", "text": "I am good at maths."},
            {"id": "p1", "text": "Will you take A-level Maths?"},
        ],
    }
)

# The worked example. Coded values (m3 is stored as 5 - coded):
#   student  m1 m2 m3(coded)  stored m3  total  score
#   a         1  1  2          3           4     4/3
#   b         2  2  2          3           6     2
#   c         3  4  3          2          10    10/3
#   d         4  3  4          1          11    11/3
#   e         4  -  4          1           -     4      (2 answered: valid, not complete)
#   f         2  -  -          -           -     None   (1 answered: below the minimum)
RESPONSES = {
    "a": {"m1": 1, "m2": 1, "m3": 3},
    "b": {"m1": 2, "m2": 2, "m3": 3},
    "c": {"m1": 3, "m2": 4, "m3": 2},
    "d": {"m1": 4, "m2": 3, "m3": 1},
    "e": {"m1": 4, "m2": None, "m3": 1},
    "f": {"m1": 2},
}
# Cronbach's alpha over a-d (the complete cases), k = 3:
#   m1: 1,2,3,4  mean 2.5   squared deviations 2.25+0.25+0.25+2.25 = 5      variance 5/3
#   m2: 1,2,4,3  mean 2.5   same                                   = 5      variance 5/3
#   m3: 2,2,3,4  mean 2.75  0.5625+0.5625+0.0625+1.5625             = 2.75   variance 11/12
#   sum of item variances = 20/12 + 20/12 + 11/12 = 51/12
#   totals 4,6,10,11  mean 7.75  14.0625+3.0625+5.0625+10.5625 = 32.75  variance 131/12
#   alpha = 3/2 * (1 - (51/12) / (131/12)) = 3/2 * 80/131 = 120/131 = 0.91603...
WORKED_ALPHA = 120 / 131


def test_reverse_coding_swaps_ends_of_the_option_scale():
    # 1 + 4 - v: 1 -> 4, 2 -> 3, 3 -> 2, 4 -> 1
    assert [coded_value(INSTRUMENT, "m3", v) for v in (1, 2, 3, 4)] == [4, 3, 2, 1]
    assert [coded_value(INSTRUMENT, "m1", v) for v in (1, 2, 3, 4)] == [1, 2, 3, 4]


def test_reverse_coding_uses_the_items_own_option_range():
    enjoyment = load_all()["enjoyment"]
    assert coded_value(enjoyment, "enj_boring", 1) == 4  # "Strongly disagree" that it's boring


def test_scale_score_is_the_mean_after_reverse_coding():
    # m1 4, m2 3, m3 stored 1 -> coded 4: (4 + 3 + 4) / 3 = 11/3
    assert scale_score(INSTRUMENT, "mood", {"m1": 4, "m2": 3, "m3": 1}) == pytest.approx(11 / 3)


def test_scale_score_with_missing_items_uses_the_answered_ones():
    # m1 2, m3 stored 4 -> coded 1, m2 unanswered: (2 + 1) / 2 = 1.5
    assert scale_score(INSTRUMENT, "mood", {"m1": 2, "m3": 4}) == 1.5
    assert scale_score(INSTRUMENT, "mood", {"m1": 2, "m2": None, "m3": 4}) == 1.5


def test_scale_score_needs_the_minimum_number_of_answers():
    exactly_minimum = {"m1": 3, "m2": 4}  # 2 answered, minimum 2: (3 + 4) / 2
    one_below = {"m1": 3}  # 1 answered
    assert scale_score(INSTRUMENT, "mood", exactly_minimum) == 3.5
    assert scale_score(INSTRUMENT, "mood", one_below) is None
    assert scale_score(INSTRUMENT, "mood", {}) is None


def test_answers_to_other_items_do_not_change_a_scale_score():
    answers = {"m1": 3, "m2": 4, "s1": 1, "p1": 2, "retired_item": 99}
    assert scale_score(INSTRUMENT, "mood", answers) == 3.5


def test_an_answer_the_item_does_not_offer_is_an_error_not_a_score():
    with pytest.raises(ValueError, match="5 is not an answer to item 'm1'"):
        scale_score(INSTRUMENT, "mood", {"m1": 5, "m2": 4})
    with pytest.raises(ValueError):
        scale_score(INSTRUMENT, "mood", {"m1": "3", "m2": 4})


def test_an_unscored_scale_has_no_score():
    with pytest.raises(ValueError, match="not scored"):
        scale_score(INSTRUMENT, "plans", {"p1": 1})
    with pytest.raises(KeyError):
        scale_score(INSTRUMENT, "nope", {})


def test_student_scores_cover_every_scored_scale():
    assert student_scores(INSTRUMENT, {"m1": 4, "m2": 3, "m3": 1, "s1": 2, "p1": 1}) == {
        "mood": pytest.approx(11 / 3),
        "single": 2.0,
    }
    assert student_scores(INSTRUMENT, {"p1": 1}) == {"mood": None, "single": None}


def test_scores_by_student():
    scores = scores_by_student(INSTRUMENT, RESPONSES)
    assert scores["a"]["mood"] == pytest.approx(4 / 3)
    assert scores["d"]["mood"] == pytest.approx(11 / 3)
    assert scores["e"]["mood"] == 4.0
    assert scores["f"] == {"mood": None, "single": None}


def test_complete_cases_are_students_who_answered_every_item_coded():
    assert complete_cases(INSTRUMENT, "mood", RESPONSES) == [
        [1, 1, 2],
        [2, 2, 2],
        [3, 4, 3],
        [4, 3, 4],
    ]


def test_alpha_on_the_worked_example():
    assert scale_alpha(INSTRUMENT, "mood", RESPONSES) == pytest.approx(WORKED_ALPHA)


def test_alpha_of_two_items_by_hand():
    # rows (1,2), (2,2), (3,4): item variances 1 and 4/3; totals 3,4,7 variance 13/3
    # alpha = 2/1 * (1 - (7/3) / (13/3)) = 2 * 6/13 = 12/13
    assert cronbach_alpha([[1, 2], [2, 2], [3, 4]]) == pytest.approx(12 / 13)


def test_alpha_can_be_negative_when_items_disagree():
    # rows (1,4), (4,1), (2,2): item variances 7/3 and 7/3; totals 5,5,4 variance 1/3
    # alpha = 2 * (1 - (14/3) / (1/3)) = 2 * (1 - 14) = -26
    assert cronbach_alpha([[1, 4], [4, 1], [2, 2]]) == pytest.approx(-26)


def test_alpha_is_none_when_it_cannot_be_computed():
    assert cronbach_alpha([[1, 2, 3]]) is None  # one complete case
    assert cronbach_alpha([]) is None
    assert cronbach_alpha([[1], [3], [4]]) is None  # one item
    assert cronbach_alpha([[2, 3], [3, 2], [1, 4]]) is None  # every total is 5
    only_one_complete = {"a": RESPONSES["a"], "e": RESPONSES["e"], "f": RESPONSES["f"]}
    assert scale_alpha(INSTRUMENT, "mood", only_one_complete) is None
    everyone = {s: {"s1": v} for s, v in zip("abc", (1, 3, 4), strict=True)}
    assert scale_alpha(INSTRUMENT, "single", everyone) is None


def test_alpha_refuses_ragged_rows():
    with pytest.raises(ValueError):
        cronbach_alpha([[1, 2], [1, 2, 3]])


def test_summary_of_the_worked_example():
    # scores of a..e in fifteenths: 20, 30, 50, 55, 60 (f has none), n = 5
    # mean = 215/15 / 5 = 43/15; deviations -23, -13, 7, 12, 17 (fifteenths)
    # squares 529 + 169 + 49 + 144 + 289 = 1180 -> sum 1180/225; variance / 4 = 59/45
    summary = summarise_scale(INSTRUMENT, "mood", RESPONSES)
    assert summary.scale_key == "mood"
    assert summary.n == 5
    assert summary.mean == pytest.approx(43 / 15)
    assert summary.sd == pytest.approx(math.sqrt(59 / 45))
    assert summary.alpha == pytest.approx(WORKED_ALPHA)
    assert summary.n_complete == 4


def test_summary_with_one_student_has_no_sd_or_alpha():
    summary = summarise_scale(INSTRUMENT, "mood", {"a": RESPONSES["a"]})
    assert summary == ScaleSummary(
        "mood", n=1, mean=pytest.approx(4 / 3), sd=None, alpha=None, n_complete=1
    )


def test_summary_with_no_valid_scores():
    assert summarise_scale(INSTRUMENT, "mood", {"f": RESPONSES["f"]}) == ScaleSummary(
        "mood", n=0, mean=None, sd=None, alpha=None, n_complete=0
    )
    assert summarise_scale(INSTRUMENT, "mood", {}).n == 0


def test_summarise_covers_every_scored_scale():
    summaries = summarise(INSTRUMENT, RESPONSES)
    assert list(summaries) == ["mood", "single"]
    assert summaries["single"].n == 0


def test_answer_counts_report_questions_without_a_score():
    responses = {"a": {"p1": 1}, "b": {"p1": 1}, "c": {"p1": 3, "m3": 1}, "d": {"p1": None}}
    counts = answer_counts(INSTRUMENT, responses)
    assert counts["p1"] == {1: 2, 2: 0, 3: 1, 4: 0}
    assert counts["m3"] == {1: 1, 2: 0, 3: 0, 4: 0}  # as stored, not reverse-coded
    with pytest.raises(ValueError):
        answer_counts(INSTRUMENT, {"a": {"p1": 7}})
