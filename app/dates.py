"""Dates as people and spreadsheets write them: the one parser behind the imports, the results
grid and the forms' date fields.

`parse_date` reads dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy and dd.mm.yyyy: day first, as in the
UK), yyyy-mm-dd (what a browser's date input sends), a spreadsheet's date cell, and an Excel
serial number (a date cell that lost its format: 45123 is 16/07/2023). It says what is wrong:
"31/02/2012 is not a real date" for a date that does not exist, the formats it takes for
anything else. Rules about which dates are allowed (not in the future, say) belong to the
callers. `UKDateField` is the WTForms date field that uses it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from wtforms import DateField
from wtforms.validators import StopValidation

FORMATS = "dd/mm/yyyy or yyyy-mm-dd"
# Excel's day 0 (its serials count days from 30/12/1899, so that 1/1/1900 is day 1 despite the
# leap day 29/02/1900 it counts). Only five-digit serials are read as dates (18/05/1927 to
# 13/10/2173): a smaller number in a date column is far more likely a year or a typo.
EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_MIN, SERIAL_MAX = 10_000, 99_999

_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")


class DateError(ValueError):
    """Raised by `parse_date`; the message is fit to show the person who wrote the date."""


def parse_date(
    value: str | int | float | date | datetime | None, *, excel_serials: bool = True
) -> date:
    """Return the date that `value` (text, a spreadsheet cell or a date) stands for.

    Takes dd/mm/yyyy (d/m/yyyy, with / - or . between), yyyy-mm-dd, a date or datetime (its
    day), and, when `excel_serials` is true, an Excel serial number as a number or as text
    (whole days from 10000 to 99999; a time of day after the point is dropped). Raises
    DateError saying "… is not a real date" for a well-formed date that does not exist (such
    as 31/02/2012), and naming the formats taken for anything else, an empty value included.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if excel_serials:
            return from_excel_serial(value)
        raise DateError(_not_a_date(_number_text(value)))
    text = "" if value is None else str(value).strip()
    if not text:
        raise DateError(f"Enter a date as {FORMATS}")
    if match := _DAY_FIRST.fullmatch(text):
        day, month, year = match.group(1, 3, 4)
    elif match := _ISO.fullmatch(text):
        year, month, day = match.groups()
    elif excel_serials and _SERIAL.fullmatch(text):
        return from_excel_serial(float(text))
    else:
        raise DateError(_not_a_date(text))
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise DateError(f"{text} is not a real date") from None


def from_excel_serial(serial: int | float) -> date:
    """Return the date of an Excel serial number (1900 date system) from 10000 to 99999.

    Raises DateError for any other number."""
    if not SERIAL_MIN <= serial < SERIAL_MAX + 1:
        raise DateError(_not_a_date(_number_text(serial)))
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _number_text(number: int | float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _not_a_date(text: str) -> str:
    return f"Date must be {FORMATS}, not '{text}'"


class UKDateField(DateField):
    """A date input (yyyy-mm-dd from the browser's date picker, or a date typed as dd/mm/yyyy
    where the input is plain text) read by `parse_date`, with its message when it is wrong.

    An empty input gives None (add DataRequired or Optional as the form needs); a wrong one
    shows only the parser's message, not also "required".
    """

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")  # how the value is written back into the input
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = " ".join(valuelist).strip()
        self.data = None
        if text:
            try:
                self.data = parse_date(text, excel_serials=False)
            except DateError as error:
                raise ValueError(str(error)) from error

    def _value(self) -> str:
        # A date read from "14/03/2012" goes back into a date input as 2012-03-14, the only
        # form a date picker shows; text that is not a date goes back as typed, to correct.
        if self.data is not None and not self.process_errors:
            return self.data.isoformat()
        return super()._value()

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
