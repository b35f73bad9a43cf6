"""Two people editing one student: a save over a newer change is refused, never silent.

Each person is a test client of their own, signed in as themselves; a form is loaded, read
back as a browser would send it (`form_fields`), changed and posted.
"""

from html.parser import HTMLParser

import pytest
from sqlalchemy import create_engine, select, text

from app import conflicts
from app.extensions import db
from app.models import AuditEvent, Role, Student
from app.students import services
from tests.conftest import Auth
from tests.factories import make_school, make_student, make_user


class _FormReader(HTMLParser):
    """The values a browser would send for the form it is fed: text and hidden inputs,
    checked boxes, the selected (or first) option of each select, textareas."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        kind = a.get("type")
        if tag == "input" and name and kind not in ("submit", "button"):
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value") or "on"
            else:
                self.fields[name] = a.get("value") or ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self.fields:
                self.fields[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # As a browser does, drop the line break that opens a textarea's text.
            text = self.fields[self._textarea]
            self.fields[self._textarea] = text.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None


def form_fields(html: str, start: str = '<form method="post"') -> dict[str, str]:
    """What submitting a page's form unchanged would send (the first POST form of the page's
    content or of a fragment, or the first one whose tag starts with `start`), CSRF token
    left out."""
    content = html[html.index("<main") :] if "<main" in html else html
    form = content[content.index(start) :]
    reader = _FormReader()
    end = form.find("</form>")
    reader.feed(form[: end if end >= 0 else None])  # a fragment may be a piece of a form
    reader.fields.pop("csrf_token", None)
    return reader.fields


def client_of(app, user):
    """A test client of its own, signed in as `user` (another browser, another person)."""
    client = app.test_client()
    Auth(client).login(user)
    return client


def when(event: AuditEvent) -> str:
    """An audit event's time in the app's date/time format (the `uk_date` filter)."""
    return event.at.strftime("%d/%m/%Y %H:%M")


@pytest.fixture
def two_leads(app):
    """(student, ann, ben): a student of a school with two leads, each signed in apart."""
    school = make_school()
    ann = make_user(Role.LEAD, school, name="Ann Lee")
    ben = make_user(Role.LEAD, school, name="Ben Ode")
    student = make_student(school, first_name="Amy", last_name="Shaw", year_group=9)
    db.session.commit()
    return student, ann, ben


def stored(student_id: int) -> Student:
    db.session.expire_all()
    return db.session.get(Student, student_id)


def test_the_edit_form_carries_the_version_it_shows(app, two_leads):
    student, ann, _ben = two_leads
    url = f"/students/{student.id}/edit"
    assert form_fields(client_of(app, ann).get(url).get_data(as_text=True))["version"] == "1"
    services.update_student(None, stored(student.id), {"first_name": "Amelia"})
    db.session.commit()
    assert form_fields(client_of(app, ann).get(url).get_data(as_text=True))["version"] == "2"


def test_a_rename_is_not_undone_by_a_form_opened_before_it(app, two_leads):
    student, ann, ben = two_leads
    url = f"/students/{student.id}/edit"
    ann_client, ben_client = client_of(app, ann), client_of(app, ben)
    ann_form = form_fields(ann_client.get(url).get_data(as_text=True))
    ben_form = form_fields(ben_client.get(url).get_data(as_text=True))

    assert ben_client.post(url, data={**ben_form, "first_name": "Amelia"}).status_code == 303
    response = ann_client.post(url, data={**ann_form, "ks2_maths": "110"})

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    rename = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "student.update")
    ).one()  # Ben's rename is the only change stored
    notice = page[page.index('class="error-summary conflict" role="alert"') :]
    assert f"Changed by Ben Ode at {when(rename)} since you opened it" in notice
    # Both values of each field that differs: what Ann typed and what is stored now.
    assert '<a href="#first_name">First name</a></th><td>Amy</td><td>Amelia</td>' in notice
    assert "KS2 maths scaled score</a></th><td>110</td><td>(empty)</td>" in notice
    # What Ann typed is kept in the form, which now carries the stored version.
    again = form_fields(page)
    assert (again["first_name"], again["ks2_maths"], again["version"]) == ("Amy", "110", "2")
    assert (stored(student.id).first_name, stored(student.id).ks2_maths) == ("Amelia", None)
    assert stored(student.id).version == 2


def test_saving_again_after_the_notice_replaces_the_stored_values(app, two_leads):
    student, ann, ben = two_leads
    url = f"/students/{student.id}/edit"
    ann_client, ben_client = client_of(app, ann), client_of(app, ben)
    ann_form = form_fields(ann_client.get(url).get_data(as_text=True))
    ben_form = form_fields(ben_client.get(url).get_data(as_text=True))
    ben_client.post(url, data={**ben_form, "first_name": "Amelia"})
    refused = ann_client.post(url, data={**ann_form, "ks2_maths": "110"})
    assert refused.status_code == 409

    response = ann_client.post(url, data=form_fields(refused.get_data(as_text=True)))

    assert response.status_code == 303
    student = stored(student.id)
    assert (student.first_name, student.ks2_maths, student.version) == ("Amy", 110, 3)


def test_the_normal_path_still_saves(app, two_leads):
    student, ann, _ben = two_leads
    url = f"/students/{student.id}/edit"
    client = client_of(app, ann)
    for name in ("Amelia", "Mia"):  # the page after a save shows the new version
        form = form_fields(client.get(url).get_data(as_text=True))
        assert client.post(url, data={**form, "first_name": name}).status_code == 303
    student = stored(student.id)
    assert (student.first_name, student.version) == ("Mia", 3)


def test_an_import_since_the_form_opened_is_named_as_the_command_line(app, two_leads):
    student, ann, _ben = two_leads
    url = f"/students/{student.id}/edit"
    client = client_of(app, ann)
    form = form_fields(client.get(url).get_data(as_text=True))
    # Imports (web and command line) apply their changes through update_student.
    services.update_student(None, stored(student.id), {"last_name": "Shaw-Ode"})
    db.session.commit()

    response = client.post(url, data={**form, "preferred_name": "Ames"})

    assert response.status_code == 409
    assert "Changed by command line at " in response.get_data(as_text=True)
    student = stored(student.id)
    assert (student.last_name, student.preferred_name) == ("Shaw-Ode", None)


def test_a_version_that_is_not_a_number_is_refused_not_a_500(app, two_leads):
    student, ann, _ben = two_leads
    url = f"/students/{student.id}/edit"
    client = client_of(app, ann)
    form = form_fields(client.get(url).get_data(as_text=True))
    response = client.post(url, data={**form, "first_name": "Zed", "version": "1; drop"})
    assert response.status_code == 409
    assert stored(student.id).first_name == "Amy"


def test_the_database_refuses_a_write_that_lost_the_race(app, two_leads):
    """Two saves that both passed the form's check: the second UPDATE finds a newer version
    in its WHERE and is refused (EditConflict), so the first one's change stays."""
    student, ann, _ben = two_leads
    mine = stored(student.id)
    assert mine.version == 1
    # Someone else's save lands between this session's read and its write.
    other = create_engine(db.engine.url)
    with other.begin() as conn:
        conn.execute(
            text("UPDATE students SET first_name = 'Amelia', version = 2 WHERE id = :id"),
            {"id": student.id},
        )
    other.dispose()
    with pytest.raises(conflicts.EditConflict):
        services.update_student(ann, mine, {"first_name": "Amy-Jo"}, version=1)
    db.session.rollback()
    assert stored(student.id).first_name == "Amelia"


def test_a_stale_form_that_changes_nothing_is_not_refused(app, two_leads):
    student, ann, ben = two_leads
    url = f"/students/{student.id}/edit"
    ann_client, ben_client = client_of(app, ann), client_of(app, ben)
    ann_form = form_fields(ann_client.get(url).get_data(as_text=True))
    ben_form = form_fields(ben_client.get(url).get_data(as_text=True))
    ben_client.post(url, data={**ben_form, "first_name": "Amelia"})
    # Ann typed exactly what is stored now: nothing would be lost, nothing is refused.
    response = ann_client.post(url, data={**ann_form, "first_name": "Amelia"})
    assert response.status_code == 303
    assert stored(student.id).version == 2


def test_stored_values_are_shown_as_people_read_them(app, two_leads):
    student, ann, ben = two_leads
    url = f"/students/{student.id}/edit"
    ann_client, ben_client = client_of(app, ann), client_of(app, ben)
    ann_form = form_fields(ann_client.get(url).get_data(as_text=True))
    ben_form = form_fields(ben_client.get(url).get_data(as_text=True))
    changes = {"date_of_birth": "2012-03-27", "sen": "K", "pupil_premium": "y"}
    assert ben_client.post(url, data={**ben_form, **changes}).status_code == 303

    page = ann_client.post(url, data={**ann_form, "first_name": "Aimee"}).get_data(as_text=True)

    for row in (
        "Date of birth</a></th><td>(empty)</td><td>27/03/2012</td>",  # the house date format
        "SEN provision</a></th><td>Not recorded</td><td>SEN support (K)</td>",  # a label
        "Pupil Premium</a></th><td>No</td><td>Yes</td>",
    ):
        assert row in page
