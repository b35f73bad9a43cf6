"""Steps shared by the browser tests."""

from app.extensions import db
from tests.factories import PASSWORD

UNLABELLED_FIELDS_JS = """
() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]), select, textarea'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.name || el.id || el.outerHTML.slice(0, 80))
"""


def sign_in(page, base_url: str, user) -> None:
    db.session.commit()
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def unlabelled_fields(page) -> list[str]:
    return page.evaluate(UNLABELLED_FIELDS_JS)
