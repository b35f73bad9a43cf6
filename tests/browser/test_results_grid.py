"""Results day in a real browser: the grid used with the keyboard only, and without JavaScript."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Role
from tests.browser.helpers import sign_in, unlabelled_fields
from tests.factories import make_group, make_school, make_student, make_user
from tracking.models import GradeRecord

pytestmark = pytest.mark.browser

DAY = date(2026, 8, 20)
QUERY = "qualification=gcse_maths&kind=final&tier=higher&date=2026-08-20"


@pytest.fixture
def results_day():
    school = make_school("Northfield Academy")
    lead = make_user(Role.LEAD, school)
    students = [
        make_student(school, year_group=11, first_name=first, last_name=last)
        for first, last in (("Ada", "Adams"), ("Ben", "Brown"), ("Cat", "Cole"))
    ]
    group = make_group(school, name="11X1", students=students)
    db.session.commit()
    return lead, group, students


def saved_grades() -> dict[str, list[str]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(
            GradeRecord.student_id, GradeRecord.grade, GradeRecord.recorded_on, GradeRecord.tier
        ).order_by(GradeRecord.id)
    ).all()
    assert {(r.recorded_on, r.tier) for r in rows} <= {(DAY, "higher")}
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row.student_id, []).append(row.grade)
    return out


def test_results_day_grid_by_keyboard(app, page, live_server, results_day):
    lead, group, (ada, ben, cat) = results_day
    app.config["WTF_CSRF_ENABLED"] = True  # htmx must send the token from the page's header
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    sign_in(page, live_server, lead)
    page.goto(f"{live_server}/results/grid?group={group.id}&{QUERY}")
    expect(page.get_by_role("heading", name="Results day: 11X1")).to_be_visible()
    assert unlabelled_fields(page) == []
    cells = [page.get_by_label(f"Grade for {s.full_name}") for s in (ada, ben, cat)]
    states = [page.locator(f"#cell-{s.id}-state") for s in (ada, ben, cat)]

    # Keyboard only from here: focus the first cell as a Tab would.
    cells[0].focus()
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    expect(cells[1]).to_be_focused()
    expect(states[0]).to_have_text("Saved")
    expect(states[0]).to_have_attribute("role", "status")

    page.keyboard.type("2")
    page.keyboard.press("ArrowDown")
    expect(cells[2]).to_be_focused()
    expect(states[1]).to_have_text("Grade 2 is not on the higher tier (9-4, 3 allowed, U)")
    expect(cells[1]).to_have_attribute("aria-invalid", "true")
    expect(cells[1]).to_have_attribute("aria-describedby", f"cell-{ben.id}-state")

    page.keyboard.press("ArrowUp")
    expect(cells[1]).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(cells[0]).to_be_focused()
    # A column copied from a spreadsheet: Windows line ends, a trailing tab and line break.
    page.evaluate("text => navigator.clipboard.writeText(text)", "8\r\n6\t\r\n5\r\n")
    page.keyboard.press("Control+V")
    for student, cell, state, value in zip((ada, ben, cat), cells, states, "865", strict=True):
        expect(cell).to_have_value(value)
        expect(page.locator(f'input[name="was-{student.id}"]')).to_have_value(value)
        expect(state).to_have_text("Saved")
    expect(cells[1]).not_to_have_attribute("aria-invalid", "true")
    expect(cells[2]).to_be_focused()

    # Enter on the last student saves that cell without leaving it.
    page.keyboard.type("4")  # the pasted 5 is selected: typing replaces it
    expect(cells[2]).to_have_value("4")
    page.keyboard.press("Enter")
    expect(page.locator(f'input[name="was-{cat.id}"]')).to_have_value("4")  # saved
    expect(states[2]).to_have_text("Saved")
    expect(cells[2]).to_have_value("4")
    expect(cells[2]).to_be_focused()
    assert page.console_errors == []

    assert saved_grades() == {ada.id: ["7", "8"], ben.id: ["6"], cat.id: ["5", "4"]}


def test_results_day_grid_without_javascript(nojs_page, live_server, results_day):
    page = nojs_page
    lead, group, (ada, ben, cat) = results_day
    sign_in(page, live_server, lead)
    page.goto(f"{live_server}/results")
    page.get_by_label("Group").select_option(label="11X1")
    page.get_by_label("Qualification").select_option(label="GCSE Maths")
    page.get_by_label("Kind of grade").select_option(label="Final")
    page.get_by_label("Tier (GCSE Maths only)").select_option(label="Higher")
    page.get_by_label("Date the grades are for").fill("2026-08-20")
    page.get_by_role("button", name="Open the grid").click()
    expect(page.get_by_role("heading", name="Results day: 11X1")).to_be_visible()

    page.get_by_label("Grade for Ada Adams").fill("9")
    page.get_by_label("Grade for Ben Brown").fill("E")
    page.get_by_role("button", name="Save all grades").click()
    expect(page.locator(".flash-error")).to_contain_text("1 grade saved. 1 grade has a problem")
    expect(page.locator(f"#cell-{ben.id}-state")).to_have_text(
        "E is not a GCSE Maths grade (9-1, U)"
    )
    page.get_by_label("Grade for Ben Brown").fill("4")
    page.get_by_role("button", name="Save all grades").click()
    expect(page.locator(".flash-success")).to_have_text("1 grade saved.")
    expect(page.get_by_label("Grade for Ben Brown")).to_have_value("4")

    assert saved_grades() == {ada.id: ["9"], ben.id: ["4"]}
