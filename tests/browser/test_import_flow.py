"""A lead imports the roster from an MIS export in the browser, with JavaScript on and off."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Role, Student
from tests.browser.helpers import sign_in, unlabelled_fields
from tests.factories import make_school, make_user, upn_for

pytestmark = pytest.mark.browser


def _csv(tmp_path, rows: list[str]):
    path = tmp_path / "roster.csv"
    header = "UPN,Legal Forename,Legal Surname,NC Year,PP,KS2 Maths Scaled Score,Maths Set"
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("utf-8-sig"))
    return path


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_import_with_a_problem_then_only_the_valid_rows(browser, live_server, tmp_path, javascript):
    school = make_school("Import Academy")
    lead = make_user(Role.LEAD, school)
    db.session.commit()
    good, bad = upn_for(7001), "X000000000000"
    path = _csv(tmp_path, [f"{good},Zoë,O'Brien,Y8,Y,104,8X1", f"{bad},Bad,Row,8,N,99,8X1"])

    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    try:
        sign_in(page, live_server, lead)
        page.get_by_role("link", name="Import", exact=True).click()
        assert unlabelled_fields(page) == []
        page.get_by_label("Roster file (CSV or XLSX)").set_input_files(str(path))
        page.get_by_role("button", name="Upload and check").click()

        expect(page.get_by_role("heading", name="Check the import")).to_be_visible()
        problems = page.locator("table", has_text="Problem")
        expect(problems).to_contain_text("3")
        expect(problems).to_contain_text("UPN")
        expect(page.get_by_role("button", name="Import all rows")).to_have_count(0)
        assert db.session.scalar(select(db.func.count()).select_from(Student)) == 0

        page.get_by_role("button", name="Import only the 1 valid row").click()
        expect(page.get_by_role("heading", name="Students")).to_be_visible()
        expect(page.locator("#results")).to_contain_text("O'Brien, Zoë")
    finally:
        context.close()

    db.session.expire_all()
    students = db.session.scalars(select(Student)).all()
    assert [(s.upn, s.first_name, s.year_group(), s.ks2_maths) for s in students] == [
        (good, "Zoë", 8, 104)
    ]
    assert [g.name for g in students[0].groups] == ["8X1"]
