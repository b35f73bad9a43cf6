"""The "Needs attention" page: target students and the reasons from tracking.attention."""

import math
import random
from datetime import date, datetime, timedelta

from app.academic import academic_year
from app.extensions import db
from app.models import Role
from surveys import services as surveys
from surveys.instruments import load_all
from surveys.models import SurveyResponse
from surveys.scoring import summarise_scale
from tests.factories import make_group, make_school, make_student, make_user
from tracking import services
from tracking.attention_rules import number
from tracking.models import Post16Record

ENJOYMENT = load_all()["enjoyment"]
ENJOYMENT_ITEMS = [
    "enj_best_part",
    "enj_boring",
    "enj_good_feeling",
    "enj_for_fun",
    "enj_would_drop",
    "enj_time_flies",
]
REVERSED = {"enj_boring", "enj_would_drop"}


def _answers(levels):
    """Enjoyment answers whose coded values (after reverse coding) are `levels`, item by item;
    one number gives every item that value."""
    if isinstance(levels, int):
        levels = [levels] * len(ENJOYMENT_ITEMS)
    return {
        item: 5 - level if item in REVERSED else level
        for item, level in zip(ENJOYMENT_ITEMS, levels, strict=True)
    }


def _classmate(i):
    """A plausible classmate's answers: a level between 1.5 and 4, answered item by item with
    noise (with 32 of them the scale's alpha is about 0.8 and its SEM about 0.3)."""
    rng = random.Random(i * 31)
    base = rng.uniform(1.5, 3.5)
    return _answers([min(4, max(1, round(base + rng.gauss(0, 0.9)))) for _ in range(6)])


def _survey(school, group, answers, days_ago):
    """A session of the enjoyment survey for `group`, `days_ago` days ago, where each student
    of `answers` ({student: answers}) submitted."""
    opened = datetime.combine(date.today() - timedelta(days=days_ago), datetime.min.time())
    session = surveys.open_session(None, group, ENJOYMENT, opened_at=opened)
    for student, student_answers in answers.items():
        response = SurveyResponse(session_id=session.id, student_id=student.id)
        db.session.add(response)
        db.session.flush()
        surveys.submit(response.id, student_answers)
    return session


def _surveyed_class(school, students, before, after, classmates=32):
    """Two enjoyment surveys of a class: `students` answered `before` then `after` (coded
    levels), beside `classmates` others answering the same plausible way both times."""
    others = [make_student(school, year_group=11) for _ in range(classmates)]
    group = make_group(school, students=[*students, *others])
    crowd = {other: _classmate(i) for i, other in enumerate(others)}
    given = []
    for answers, days_ago in ((before, 60), (after, 10)):
        mine = {student: _answers(level) for student, level in zip(students, answers, strict=True)}
        _survey(school, group, {**crowd, **mine}, days_ago)
        given += [*crowd.values(), *mine.values()]
    return given


def _post16(student):
    services.add_record(
        None,
        student,
        Post16Record,
        {
            "subject": "a_level_maths",
            "status": "considering",
            "provider": None,
            "recorded_on": date(2025, 10, 1),
        },
    )


def test_lists_target_students_with_their_reasons(client, auth, lead_school):
    school, lead, student = lead_school
    services.record_grade(None, student, "gcse_maths", "target", "8", None, date(2025, 9, 10))
    services.record_grade(None, student, "gcse_maths", "predicted", "6", None, date(2025, 10, 10))
    fine = make_student(school, year_group=11, is_target=True, last_name="Fine")
    services.record_grade(None, fine, "gcse_maths", "predicted", "8", None, date(2025, 10, 10))
    _post16(fine)
    _post16(student)
    not_target = make_student(school, year_group=11, last_name="Untargeted")
    services.record_grade(
        None, not_target, "gcse_maths", "predicted", "3", None, date(2025, 10, 10)
    )
    db.session.commit()
    auth.login(lead)
    page = client.get("/attention").get_data(as_text=True)
    assert "Predicted GCSE Maths grade 6 is below the target of 8 and below 7" in page
    assert student.sort_name in page
    assert "Fine" not in page and "Untargeted" not in page
    assert "1 student needs attention." in page


def test_a_score_drop_beyond_chance_is_listed_and_one_within_it_is_not(client, auth, lead_school):
    school, lead, student = lead_school
    steady = make_student(school, year_group=11, is_target=True, last_name="Steady")
    # Enjoyment 4 -> 1 (a fall of 3) and 3 -> 2.83 (a fall of 0.17, within chance).
    given = _surveyed_class(school, [student, steady], [4, 3], [1, [3, 3, 3, 3, 3, 2]])
    # The SEM of the school's 68 responses, worked out here from the answers given.
    summary = summarise_scale(ENJOYMENT, "enjoyment", dict(enumerate(given)))
    sem = summary.sd * math.sqrt(1 - summary.alpha)
    assert 0.2 < sem < 0.5
    _post16(student)
    _post16(steady)
    db.session.commit()
    auth.login(lead)
    page = client.get("/attention").get_data(as_text=True)
    assert "Enjoyment fell by 3 (from 4 to 1)" in page
    assert f"more than the {number(sem)} a score moves by chance" in page
    assert "Steady" not in page
    assert "1 student needs attention." in page


def test_a_small_class_falls_back_to_one_sd_of_its_scores(client, auth, lead_school):
    school, lead, student = lead_school
    _surveyed_class(school, [student], [4], [1], classmates=12)
    _post16(student)
    db.session.commit()
    auth.login(lead)
    page = client.get("/attention").get_data(as_text=True)
    assert "Enjoyment fell by 3 (from 4 to 1)" in page
    assert "the usual spread of scores in the school" in page


def _booster(school, group, weeks_ago, title="Year 10 booster"):
    data = {
        "type": "ks4_booster",
        "subtype": None,
        "title": title,
        "held_on": date.today() - timedelta(weeks=weeks_ago),
        "duration_minutes": 50,
        "provider": None,
        "mentor": None,
        "group_id": group.id,
    }
    return services.create_intervention(None, school.id, data)


def _boosters(school, students, absent, title="Year 10 booster"):
    """Four weekly sessions of one intervention for a group of `students`; each student is
    marked absent at the sessions numbered in `absent` ({student: [0-3]}), present otherwise."""
    group = make_group(school, students=students)
    sessions = [_booster(school, group, weeks_ago, title) for weeks_ago in (4, 3, 2, 1)]
    for student in students:
        for n, session in enumerate(sessions):
            status = "absent" if n in absent.get(student, ()) else "present"
            services.mark_attendance(None, session, student, status)
    return sessions


def test_missing_two_of_the_last_four_sessions_is_listed(client, auth, lead_school):
    school, lead, student = lead_school
    once = make_student(school, year_group=11, is_target=True, last_name="Once")
    _boosters(school, [student, once], {student: [1, 3], once: [2]})
    _post16(student)
    _post16(once)
    db.session.commit()
    auth.login(lead)
    page = client.get("/attention").get_data(as_text=True)
    assert "<li>Missed 2 of the last 4 Year 10 booster sessions</li>" in page
    assert "Once" not in page


def test_an_intervention_title_is_shown_as_text(client, auth, lead_school):
    school, lead, student = lead_school
    _boosters(school, [student], {student: [0, 1]}, title="<b>Booster</b>")
    _post16(student)
    db.session.commit()
    auth.login(lead)
    page = client.get("/attention").get_data(as_text=True)
    assert "Missed 2 of the last 4 &lt;b&gt;Booster&lt;/b&gt; sessions" in page
    assert "<b>Booster</b>" not in page


def test_no_post16_intention_by_spring_of_year_11(client, auth, app):
    school = make_school()
    lead = make_user(Role.LEAD, school)
    today = date.today()
    # Year 12 now: past the spring of Year 11 whatever today's date is.
    student = make_student(school, year_group=12, is_target=True)
    db.session.commit()
    auth.login(lead)
    page = client.get("/attention").get_data(as_text=True)
    assert "No post-16 maths intention recorded" in page
    assert academic_year(today)  # the rule is dated from today's academic year
    _post16(student)
    db.session.commit()
    assert "No target student needs attention today." in client.get("/attention").get_data(
        as_text=True
    )


def test_another_schools_students_are_not_listed(client, auth, lead_school):
    school, lead, _ = lead_school
    other = make_school()
    make_student(other, year_group=12, is_target=True, last_name="Elsewhere")
    admin = make_user(Role.ADMIN)
    db.session.commit()
    auth.login(lead)
    assert "Elsewhere" not in client.get("/attention").get_data(as_text=True)
    auth.logout()
    auth.login(admin)
    assert "Elsewhere" in client.get("/attention").get_data(as_text=True)


def _flagged_students(school, n):
    """n target students who each fell in enjoyment and missed two of four boosters."""
    students = [make_student(school, year_group=11, is_target=True) for _ in range(n)]
    _surveyed_class(school, students, [4] * n, [1] * n, classmates=3)
    _boosters(school, students, {student: [0, 1] for student in students})
    for student in students:
        services.record_grade(
            None, student, "gcse_maths", "predicted", "5", None, date(2025, 10, 1)
        )


def test_attention_loads_in_a_fixed_number_of_queries(client, auth, lead_school, count_queries):
    school, lead, _ = lead_school
    auth.login(lead)
    _flagged_students(school, 2)
    db.session.commit()
    with count_queries() as few:
        page = client.get("/attention").get_data(as_text=True)
    assert page.count("Missed 2 of the last 4 Year 10 booster sessions") == 2
    _flagged_students(make_school(), 1)  # another school's: not listed
    _flagged_students(school, 27)
    db.session.commit()
    with count_queries() as many:
        page = client.get("/attention").get_data(as_text=True)
    assert len(many) == len(few)
    assert "29 students need attention." in page
    assert page.count("Missed 2 of the last 4 Year 10 booster sessions") == 29
    assert page.count("Enjoyment fell by 3 (from 4 to 1)") == 29
