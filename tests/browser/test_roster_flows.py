"""Whole flows a lead does on the roster, with JavaScript on and off."""

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Role, Student
from tests.browser.helpers import sign_in, unlabelled_fields
from tests.factories import make_group, make_school, make_student, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def school_with_students():
    school = make_school("Northfield Academy")
    lead = make_user(Role.LEAD, school)
    zoe = make_student(school, first_name="Zoë", last_name="O'Brien-Łukasz", year_group=9)
    make_student(school, first_name="Bruce", last_name="李小龍", year_group=10)
    make_student(school, first_name="<b>Bold</b>", last_name="Tagsworth", year_group=8)
    make_group(school, name="9X1", students=[zoe])
    db.session.commit()
    return school, lead, zoe


def test_sign_in_search_and_edit_with_javascript(page, live_server, school_with_students):
    _school, lead, zoe = school_with_students
    sign_in(page, live_server, lead)
    expect(page.get_by_role("heading", name="Students")).to_be_visible()
    expect(page.locator("#results")).to_contain_text("3 students")
    assert unlabelled_fields(page) == []

    url_before = page.url
    page.get_by_label("Search by name or UPN").press_sequentially("zoe", delay=30)
    expect(page.locator("#results")).to_contain_text("1 student")
    expect(page.locator("#results")).to_contain_text("O'Brien-Łukasz, Zoë")
    expect(page.locator("#results")).not_to_contain_text("李小龍")
    assert page.url != url_before and "q=zoe" in page.url  # the search is in the address

    page.get_by_role("link", name="O'Brien-Łukasz, Zoë").click()
    expect(page.get_by_role("heading", name="Zoë O'Brien-Łukasz")).to_be_visible()
    page.get_by_role("button", name="Mark as target student").click()
    expect(page.get_by_role("button", name="Remove target mark")).to_be_visible()

    page.get_by_role("link", name="Edit details").click()
    assert unlabelled_fields(page) == []
    page.get_by_label("Preferred name").fill("Zo")
    page.get_by_label("KS2 maths scaled score").fill("130")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".error-summary")).to_contain_text("from 80 to 120")
    expect(page.locator(".error-summary")).to_be_focused()
    page.get_by_label("KS2 maths scaled score").fill("112")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="Zo O'Brien-Łukasz")).to_be_visible()
    assert page.console_errors == []

    db.session.expire_all()
    saved = db.session.get(Student, zoe.id)
    assert (saved.preferred_name, saved.ks2_maths, saved.is_target) == ("Zo", 112, True)


def test_filters_and_markup_in_names_with_javascript(page, live_server, school_with_students):
    _school, lead, _zoe = school_with_students
    sign_in(page, live_server, lead)
    page.get_by_label("Year group").select_option("10")
    expect(page.locator("#results")).to_contain_text("1 student")
    expect(page.locator("#results")).to_contain_text("李小龍, Bruce")
    page.get_by_label("Year group").select_option("")
    expect(page.locator("#results")).to_contain_text("3 students")
    # Markup typed into a name shows as text, never as bold.
    expect(page.locator("#results")).to_contain_text("Tagsworth, <b>Bold</b>")
    assert page.locator("#results b").count() == 0


def test_the_same_pages_work_without_javascript(nojs_page, live_server, school_with_students):
    page = nojs_page
    _school, lead, zoe = school_with_students
    sign_in(page, live_server, lead)
    page.get_by_label("Search by name or UPN").fill("zoe")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results")).to_contain_text("1 student")
    assert re.search(r"q=zoe", page.url)

    page.get_by_role("link", name="O'Brien-Łukasz, Zoë").click()
    page.get_by_role("button", name="Mark as target student").click()
    expect(page.get_by_role("button", name="Remove target mark")).to_be_visible()
    expect(page.locator(".flash")).to_contain_text("now a target student")

    page.get_by_role("link", name="Edit details").click()
    page.get_by_label("Last name").fill("Brien")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="Zoë Brien")).to_be_visible()

    page.goto(live_server + "/groups/")
    page.get_by_role("link", name="9X1").click()
    page.get_by_label("Find students by name or UPN").fill("bruce")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name="Add Bruce 李小龍").click()
    expect(page.locator("#members")).to_contain_text("李小龍, Bruce")
    expect(page.locator("#members")).to_contain_text("2 students")
    db.session.expire_all()
    assert db.session.get(Student, zoe.id).last_name == "Brien"


def test_group_membership_inline_with_keyboard(page, live_server, school_with_students):
    _school, lead, _zoe = school_with_students
    sign_in(page, live_server, lead)
    page.goto(live_server + "/groups/")
    page.get_by_role("link", name="9X1").click()
    search = page.get_by_label("Find students by name or UPN")
    search.press_sequentially("bruce", delay=30)
    add = page.get_by_role("button", name="Add Bruce 李小龍")
    add.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#members")).to_contain_text("2 students")
    expect(page.locator("#candidates")).not_to_contain_text("Bruce")
    page.get_by_role("button", name="Remove Zoë O'Brien-Łukasz").click()
    expect(page.locator("#members")).to_contain_text("1 student")
    expect(page.locator("#members")).not_to_contain_text("Zoë")
    assert page.console_errors == []


def test_keyboard_user_can_skip_to_content_with_visible_focus(
    page, live_server, school_with_students
):
    sign_in(page, live_server, school_with_students[1])
    page.goto(live_server + "/groups/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["width"] > 0
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused, "after skipping, Tab moves into the main content"


def test_roster_fits_a_phone_screen(phone_page, live_server, school_with_students):
    _school, lead, _zoe = school_with_students
    sign_in(phone_page, live_server, lead)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1
