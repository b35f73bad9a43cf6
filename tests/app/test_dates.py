"""The one date parser (app.dates): what it reads, what it says when it cannot, and the form
field built on it."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.validators import DataRequired, Optional

from app.dates import EXCEL_EPOCH, DateError, UKDateField, from_excel_serial, parse_date
from app.extensions import db
from app.models import Role
from tests.factories import make_school, make_student, make_user

WRITTEN = {
    "dd/mm/yyyy": lambda d: f"{d.day:02}/{d.month:02}/{d.year:04}",
    "d/m/yyyy": lambda d: f"{d.day}/{d.month}/{d.year:04}",
    "dd-mm-yyyy": lambda d: f"{d.day:02}-{d.month:02}-{d.year:04}",
    "dd.mm.yyyy": lambda d: f"{d.day:02}.{d.month:02}.{d.year:04}",
    "yyyy-mm-dd": lambda d: d.isoformat(),
}


def serial_of(day: date) -> int:
    return (day - EXCEL_EPOCH).days


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("14/03/2012", date(2012, 3, 14)),
        (" 4/3/2012 ", date(2012, 3, 4)),
        ("14-03-2012", date(2012, 3, 14)),
        ("14.03.2012", date(2012, 3, 14)),
        ("2012-03-14", date(2012, 3, 14)),
        ("2012-3-4", date(2012, 3, 4)),
        ("29/02/2024", date(2024, 2, 29)),
        ("45123", date(2023, 7, 16)),  # an Excel serial, as a CSV export writes it
        ("45123.75", date(2023, 7, 16)),  # with a time of day
        (45123, date(2023, 7, 16)),  # an XLSX number cell
        (45123.0, date(2023, 7, 16)),
        (datetime(2023, 7, 16, 9, 30), date(2023, 7, 16)),  # an XLSX date cell
        (date(2023, 7, 16), date(2023, 7, 16)),
    ],
)
def test_the_formats_people_and_spreadsheets_write(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "text", ["31/02/2012", "29/02/2023", "00/01/2012", "12/13/2012", "2012-02-30", "31.04.2012"]
)
def test_a_date_that_does_not_exist_is_named_as_such(text):
    with pytest.raises(DateError, match=f"^{text} is not a real date$"):
        parse_date(text)


@pytest.mark.parametrize(
    "value", ["soon", "14/03/12", "2012/03/14", "14/03-2012", "14 March 2012", "2012", "9999"]
)
def test_anything_else_gets_the_formats_taken(value):
    with pytest.raises(DateError, match=r"^Date must be dd/mm/yyyy or yyyy-mm-dd, not '.+'$"):
        parse_date(value)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_an_empty_value_asks_for_a_date(value):
    with pytest.raises(DateError, match="Enter a date as dd/mm/yyyy or yyyy-mm-dd"):
        parse_date(value)


def test_excel_serials_are_five_digit_whole_days_and_can_be_turned_off():
    assert from_excel_serial(10_000) == date(1927, 5, 18)
    assert from_excel_serial(99_999) == date(2173, 10, 13)
    for number in (9_999, 100_000, 2026, -45123, True):
        with pytest.raises(DateError, match="Date must be"):
            parse_date(number)
    with pytest.raises(DateError, match="not '45123'"):
        parse_date("45123", excel_serials=False)
    with pytest.raises(DateError, match="not '45123'"):
        parse_date(45123, excel_serials=False)


def test_every_date_of_two_centuries_round_trips_in_every_format():
    day, last = date(1900, 1, 1), date(2100, 12, 31)
    while day <= last:
        for name, write in WRITTEN.items():
            assert parse_date(write(day)) == day, name
        if 10_000 <= serial_of(day) <= 99_999:
            assert parse_date(str(serial_of(day))) == day == parse_date(serial_of(day))
        day += timedelta(days=1)


@given(st.dates(min_value=date(1000, 1, 1)), st.sampled_from(sorted(WRITTEN)))
def test_any_date_round_trips_in_any_format(day, name):
    assert parse_date(WRITTEN[name](day)) == day


@given(st.integers(1000, 9999), st.integers(1, 12), st.integers(1, 31))
def test_any_well_formed_day_month_year_is_a_date_or_not_a_real_date(year, month, day):
    text = f"{day:02}/{month:02}/{year}"
    try:
        expected = date(year, month, day)
    except ValueError:
        with pytest.raises(DateError, match=f"^{text} is not a real date$"):
            parse_date(text)
    else:
        assert parse_date(text) == expected


# The form field ----------------------------------------------------------------------------


class DatesForm(Form):
    born = UKDateField("Born", validators=[Optional()])
    held_on = UKDateField("Held on", validators=[DataRequired("Enter the date")])


def form_with(**data) -> DatesForm:
    form = DatesForm(MultiDict(data))
    form.validate()
    return form


def test_the_field_reads_what_the_parser_reads_and_writes_back_iso():
    form = form_with(born="14/03/2012", held_on="2026-01-10")
    assert form.errors == {}
    assert (form.born.data, form.held_on.data) == (date(2012, 3, 14), date(2026, 1, 10))
    assert 'type="date"' in form.born() and 'value="2012-03-14"' in form.born()


def test_the_field_says_what_is_wrong_once():
    form = form_with(born="31/02/2012", held_on="31/02/2026")
    assert form.errors == {
        "born": ["31/02/2012 is not a real date"],
        "held_on": ["31/02/2026 is not a real date"],  # not also "Enter the date"
    }
    assert 'value="31/02/2012"' in form.born()  # what was typed stays to be corrected
    assert form_with(held_on="45123").errors == {
        "held_on": ["Date must be dd/mm/yyyy or yyyy-mm-dd, not '45123'"]
    }


def test_the_field_keeps_its_validators_for_an_empty_input():
    form = form_with(born="", held_on="")
    assert form.errors == {"held_on": ["Enter the date"]}
    assert form.born.data is None


def test_a_tracker_form_says_which_date_does_not_exist(client, auth, app):
    school = make_school()
    lead = make_user(Role.LEAD, school)
    student = make_student(school, year_group=11)
    db.session.commit()
    auth.login(lead)
    response = client.post(
        f"/students/{student.id}/timeline/grade",
        data={
            "new-grade-qualification": "gcse_maths",
            "new-grade-kind": "target",
            "new-grade-grade": "7",
            "new-grade-tier": "",
            "new-grade-recorded_on": "30/02/2026",
        },
    )
    assert response.status_code == 422
    assert "30/02/2026 is not a real date" in response.get_data(as_text=True)
