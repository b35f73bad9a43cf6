"""A student's profile: on screen and as a PDF read back with pypdf."""

import re
import shutil
import subprocess

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Role
from tests.conftest import IN_CI
from tests.factories import make_group, make_school, make_student, make_user
from tests.profiles.conftest import fake_survey_scores, pdf_fonts, pdf_reader, pdf_text
from tracking import services
from tracking.models import StudentNote
from tracking.profiles import render
from tracking.profiles.services import load_profiles

HEADINGS = (
    "Baseline",
    "Grades",
    "Survey scores",
    "Support received",
    "Post-16 and beyond",
    "Latest notes",
)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _exports() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "profile.export")))


def test_a_typical_profile_is_a_tagged_a4_pdf_of_one_or_two_pages(
    client, auth, setting, monkeypatch
):
    fake_survey_scores(monkeypatch)
    school, lead, student, _ = setting
    auth.login(lead)
    response = client.get(f"/students/{student.id}/profile.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="Khan-Amira.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    reader = pdf_reader(response.data)
    assert 1 <= len(reader.pages) <= 2
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    assert reader.metadata.title == "Profile: Amira Khan"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and "/StructTreeRoot" in root  # tagged
    text = pdf_text(response.data)
    for expected in (
        "Amira Khan",
        "Northfield Academy",
        "Year 11",
        "Target student",
        "112",
        "GCSE Maths",
        "7 (Higher)",
        "8 (Higher)",
        "A-level Maths",
        "A*",
        "Enjoyment: latest 3.25",
        "UKMT Intermediate Maths Challenge: Gold",
        "Enrolled at City Sixth Form",
        "University of Leeds",
        "Loves problem solving.",
        *HEADINGS,
    ):
        assert expected in text, expected
    assert re.search(r"Confidential · printed \d\d/\d\d/\d{4} · page 1 of \d", text)


def test_sensitive_flags_only_when_the_exporter_asks(client, auth, setting):
    _, lead, student, _ = setting
    auth.login(lead)
    plain = pdf_text(client.get(f"/students/{student.id}/profile.pdf").data)
    assert "Pupil Premium" not in plain and "FSM ever 6" not in plain
    flagged = pdf_text(client.get(f"/students/{student.id}/profile.pdf?sensitive=1").data)
    for flag in ("Pupil Premium", "FSM ever 6", "Looked after", "SEN"):
        assert flag in flagged
    db.session.expire_all()
    events = _exports()
    assert [e.after["sensitive"] for e in events] == [False, True]
    assert all(e.after["students"] == [student.upn] and e.actor_id == lead.id for e in events)


def test_markup_in_any_field_prints_as_text(client, auth, setting):
    _, lead, student, _ = setting
    student.preferred_name = "<b>Bold</b>"
    services.add_record(lead, student, StudentNote, {"text": "<script>alert(1)</script> & more"})
    db.session.commit()
    auth.login(lead)
    text = pdf_text(client.get(f"/students/{student.id}/profile.pdf").data)
    assert "<b>Bold</b> Khan" in text
    assert "<script>alert(1)</script> & more" in text
    page = client.get(f"/students/{student.id}/profile").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def test_unicode_names_and_notes_render_with_real_glyphs(client, auth, app):
    school = make_school(name="Łódź Community School")
    lead = make_user(Role.LEAD, school)
    students = [
        make_student(school, first_name="Zoë", last_name="Łukasz"),
        make_student(school, first_name="小龍", last_name="李"),
    ]
    arabic = "مرحبا بالعالم"
    services.add_record(lead, students[1], StudentNote, {"text": f"Note: {arabic}"})
    db.session.commit()
    auth.login(lead)
    first = client.get(f"/students/{students[0].id}/profile.pdf").data
    second = client.get(f"/students/{students[1].id}/profile.pdf").data
    assert "Zoë Łukasz" in pdf_text(first) and "Łódź Community School" in pdf_text(first)
    text = pdf_text(second)
    assert "小龍 李" in text
    assert arabic in text or arabic[::-1] in text or _squash(arabic) in _squash(text)
    import os

    if not os.path.exists(CJK_FONT):
        reason = "fonts-noto-cjk is not installed (apt-get install fonts-noto-cjk)"
        if IN_CI:
            pytest.fail(f"{reason}: CI installs it, the Chinese glyphs must be real")
        pytest.skip(reason)
    fonts = pdf_fonts(second)
    assert any("CJK" in f for f in fonts), fonts  # a font with the Chinese glyphs is embedded
    assert any(f.startswith("DejaVu-Sans") for f in fonts)  # DejaVu Sans has the Arabic
    if shutil.which("fc-list"):
        covers = subprocess.run(
            ["fc-list", ":charset=674e", "family"], capture_output=True, text=True
        ).stdout
        assert "Noto Sans CJK" in covers


def _text_starts(page) -> list[float]:
    """Return the x (in points) where each run of text on the page starts."""
    xs: list[float] = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            xs.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

    page.extract_text(visitor_text=visit)
    return xs


def test_very_long_names_and_notes_wrap_and_stay_on_the_page(client, auth, setting):
    _, lead, student, _ = setting
    student.first_name = "Hubertblainewolfeschlegel" * 4  # 100 letters, the longest allowed
    student.last_name = "Wolfeschlegelsteinhausenbergerdorff" * 2
    long_note = "Averyveryverylongwordwithoutanyspaces" * 40 + " and then words " * 60
    services.add_record(lead, student, StudentNote, {"text": long_note})
    db.session.commit()
    auth.login(lead)
    data = client.get(f"/students/{student.id}/profile.pdf").data
    reader = pdf_reader(data)
    assert 1 <= len(reader.pages) <= 2
    lines = pdf_text(data).splitlines()
    # Unwrapped, the note would be one line of 1,480 letters (and each name one of 100).
    assert max(len(line) for line in lines) < 130
    text = _squash("".join(lines))
    assert _squash(student.full_name) in text
    assert _squash(long_note) in text
    # Every line of text starts inside the page: nothing ran off the right-hand edge.
    for page in reader.pages:
        xs = _text_starts(page)
        assert xs and max(xs) < float(page.mediabox[2])


def test_the_page_and_the_pdf_draw_the_same_charts(client, auth, setting, monkeypatch):
    fake_survey_scores(monkeypatch)
    _, lead, student, _ = setting
    auth.login(lead)
    page = client.get(f"/students/{student.id}/profile").get_data(as_text=True)
    printed = render.profile_html(load_profiles([student.id])[0], sensitive=False)
    for kind in ("grade-chart", "score-chart"):
        pattern = re.compile(rf'<svg class="{kind}".*?</svg>', re.S)
        on_screen, in_print = pattern.findall(page), pattern.findall(printed)
        assert on_screen and on_screen == in_print
    assert "Download PDF profile" in page


def test_student_page_has_the_download_form_unticked(client, auth, setting):
    _, lead, student, _ = setting
    auth.login(lead)
    page = client.get(f"/students/{student.id}").get_data(as_text=True)
    assert f'action="/students/{student.id}/profile.pdf"' in page
    assert 'method="get"' in page
    assert "Include sensitive flags (Pupil Premium, FSM, looked after, SEN)" in page
    assert 'name="sensitive" value="1">' in page  # not checked


def test_profiles_load_in_a_fixed_number_of_queries(app, setting, count_queries, monkeypatch):
    school, lead, student, _ = setting
    others = [make_student(school) for _ in range(6)]
    for other in others:
        services.add_record(lead, other, StudentNote, {"text": "n"})
    db.session.commit()
    ids = [student.id] + [o.id for o in others]
    with count_queries() as one:
        load_profiles(ids[:1])
    db.session.expire_all()
    with count_queries() as seven:
        profiles = load_profiles(ids)
    assert len(seven) == len(one) <= 12
    assert [p.student.id for p in profiles] == ids


@pytest.mark.parametrize(
    "path", ["/students/{s}/profile", "/students/{s}/profile.pdf", "/groups/{g}/cards.pdf"]
)
def test_another_schools_student_or_group_is_404(client, auth, setting, path):
    _, _, student, group = setting
    outsider = make_user(Role.LEAD, make_school())
    auth.login(outsider)
    assert client.get(path.format(s=student.id, g=group.id)).status_code == 404


def test_evaluators_cannot_export(client, auth, setting):
    _, _, student, _ = setting
    auth.login(make_user(Role.EVALUATOR))
    assert client.get(f"/students/{student.id}/profile.pdf").status_code == 403


def test_login_cards_ten_to_a_page_without_opted_out_or_left_students(client, auth, app):
    from datetime import date, timedelta

    school = make_school()
    lead = make_user(Role.LEAD, school)
    taking_part = [make_student(school, last_name=f"Card{i:02d}") for i in range(12)]
    opted_out = make_student(school, last_name="Optedout", survey_opt_out=True)
    left = make_student(school, last_name="Leftschool", left_on=date.today() - timedelta(days=3))
    group = make_group(school, name="9Y2", students=[*taking_part, opted_out, left])
    db.session.commit()
    auth.login(lead)
    response = client.get(f"/groups/{group.id}/cards.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = pdf_reader(response.data)
    assert len(reader.pages) == 2  # 12 cards, 10 to a page
    first_page = reader.pages[0].extract_text()
    assert sum(f"Card{i:02d}" in first_page for i in range(12)) == 10
    text = _squash(pdf_text(response.data))
    assert "http://localhost/join" in text and "9Y2" in text
    for s in taking_part:
        assert s.survey_code in text and s.last_name in text
    assert "Optedout" not in text and "Leftschool" not in text
    assert opted_out.survey_code not in text
    db.session.expire_all()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "profile.cards")).one()
    assert event.entity_id == group.id and event.actor_id == lead.id


def test_cli_writes_a_profile_and_refuses_an_unknown_upn(runner, setting, tmp_path):
    _, _, student, _ = setting
    out = tmp_path / "profile.pdf"
    result = runner.invoke(args=["profiles", "pdf", student.upn, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Amira Khan" in pdf_text(out.read_bytes())
    db.session.expire_all()
    assert _exports()[0].actor_label == "command line"
    result = runner.invoke(args=["profiles", "pdf", "X000000000000", "-o", str(out)])
    assert result.exit_code == 1 and "No student has UPN X000000000000" in result.output
