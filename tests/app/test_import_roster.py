"""The roster reader and checker: pure functions, no database."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from app import academic
from app.access import UPN_NOT_HERE
from app.imports import roster
from app.imports.columns import ImportResult, RowError, map_columns
from app.imports.roster import validate
from app.imports.table import MAX_FILE_BYTES, ImportFileError, read_table
from tests.factories import upn_for

TODAY = date(2025, 10, 1)
SCHOOL = 1
OTHER_SCHOOL = 2
UPN1, UPN2, UPN3 = upn_for(901), upn_for(902), upn_for(903)


def csv_bytes(rows: list[list], encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def check(rows: list[list], existing: dict | None = None) -> ImportResult:
    table = read_table(csv_bytes(rows), "roster.csv")
    return validate(table, existing or {}, SCHOOL, TODAY)


HEADER = ["UPN", "Forename", "Surname", "Year"]


def one(row: list, header: list | None = None, **kwargs) -> ImportResult:
    return check([header or HEADER, row], **kwargs)


def only_error(result: ImportResult) -> RowError:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


# Headers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("UPN", "upn"),
        ("upn", "upn"),
        ("Forename", "first_name"),
        ("First Name", "first_name"),
        ("first_name", "first_name"),
        ("Legal Forename", "first_name"),
        ("Surname", "last_name"),
        ("Last Name", "last_name"),
        ("LEGAL_SURNAME", "last_name"),
        ("Preferred Forename", "preferred_name"),
        ("DOB", "date_of_birth"),
        ("D.O.B.", "date_of_birth"),
        ("Date of Birth", "date_of_birth"),
        ("Year", "year"),
        ("Year Group", "year"),
        ("NC Year", "year"),
        ("N.C. Year", "year"),
        ("Pupil Premium", "pupil_premium"),
        ("PP", "pupil_premium"),
        ("Pupil Premium Indicator", "pupil_premium"),
        ("FSM Ever 6", "fsm_ever6"),
        ("FSM6", "fsm_ever6"),
        ("fsm_ever_6", "fsm_ever6"),
        ("KS2 Maths", "ks2_maths"),
        ("KS2 Maths Scaled Score", "ks2_maths"),
        ("SEN", "sen"),
        ("SEN Status", "sen"),
        ("Group", "group"),
        ("Maths Set", "group"),
        ("Class", "group"),
        ("Looked After", "looked_after"),
        ("CLA", "looked_after"),
        ("LAC", "looked_after"),
    ],
)
def test_every_header_alias_is_recognised_ignoring_case_spaces_and_punctuation(header, key):
    index, ignored = map_columns(["Something else", f"  {header} "], roster.COLUMNS)
    assert index == {key: 1}
    assert ignored == ["Something else"]


def test_the_preferred_header_wins_and_the_other_is_ignored():
    index, ignored = map_columns(
        ["Class", "Maths Set", "Legal Forename", "Forename"], roster.COLUMNS
    )
    assert index == {"group": 1, "first_name": 3}
    assert ignored == ["Class", "Legal Forename"]


def test_a_full_row_becomes_student_data():
    header = HEADER + ["Preferred Forename", "DOB", "PP", "FSM6", "CLA", "SEN", "KS2 Maths"]
    header += ["Maths Set"]
    row = [UPN1, " Zoë ", "O'Brien-Łukasz", "Y8", "Zo", "14/03/2012", "Y", "N", "", "K", "104"]
    row += ["8X1"]
    result = one(row, header=header)
    assert result.errors == []
    (record,) = result.records
    assert record.row == 2
    assert record.group == "8X1"
    assert record.year_group == 8
    assert record.is_new
    assert record.data == {
        "upn": UPN1,
        "first_name": "Zoë",
        "last_name": "O'Brien-Łukasz",
        "preferred_name": "Zo",
        "date_of_birth": date(2012, 3, 14),
        "entry_year": academic.entry_year_for(8, TODAY),
        "pupil_premium": True,
        "fsm_ever6": False,
        "looked_after": False,
        "sen": "K",
        "ks2_maths": 104,
    }


def test_only_the_columns_in_the_file_are_in_the_data():
    (record,) = one([UPN1, "Ann", "Lee", "9"]).records
    assert set(record.data) == {"upn", "first_name", "last_name", "entry_year"}
    assert record.group is None


def test_extra_columns_are_reported_as_ignored():
    result = one([UPN1, "Ann", "Lee", "9", "x", "y"], header=HEADER + ["Tutor", "House"])
    assert result.errors == []
    assert result.ignored_columns == ["Tutor", "House"]


# Values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "year"),
    [("8", 8), ("Y8", 8), ("y8", 8), ("Year 8", 8), ("year8", 8), ("Yr 10", 10), ("07", 7)],
)
def test_year_values(value, year):
    (record,) = one([UPN1, "Ann", "Lee", value]).records
    assert record.year_group == year
    assert record.data["entry_year"] == academic.entry_year_for(year, TODAY)


@pytest.mark.parametrize("value", ["6", "14", "Y6", "Reception", "8.5", "Year"])
def test_unknown_year_group_is_a_problem(value):
    error = only_error(one([UPN1, "Ann", "Lee", value]))
    assert (error.row, error.column) == (2, "Year")
    assert "Unknown year group" in error.message
    assert value in error.message


@pytest.mark.parametrize(
    ("value", "flag"),
    [
        ("Y", True),
        ("N", False),
        ("Yes", True),
        ("no", False),
        ("T", True),
        ("F", False),
        ("TRUE", True),
        ("False", False),
        ("1", True),
        ("0", False),
        ("", False),
        (" ", False),
    ],
)
@pytest.mark.parametrize("header", ["Pupil Premium", "FSM Ever 6", "Looked After"])
def test_flag_values(header, value, flag):
    (record,) = one([UPN1, "Ann", "Lee", "9", value], header=HEADER + [header]).records
    key = {"Pupil Premium": "pupil_premium", "FSM Ever 6": "fsm_ever6"}.get(header, "looked_after")
    assert record.data[key] is flag


def test_a_bad_flag_is_a_problem_in_that_column():
    error = only_error(one([UPN1, "Ann", "Lee", "9", "maybe"], header=HEADER + ["PP"]))
    assert (error.row, error.column) == (2, "PP")
    assert "'maybe'" in error.message


@pytest.mark.parametrize(
    ("value", "sen"),
    [("N", "N"), ("K", "K"), ("E", "E"), ("e", "E"), ("No", "N"), ("", None)],
)
def test_sen_values_are_the_census_codes(value, sen):
    (record,) = one([UPN1, "Ann", "Lee", "9", value], header=HEADER + ["SEN Status"]).records
    assert record.data["sen"] == sen


@pytest.mark.parametrize("value", ["Y", "Yes"])
def test_sen_yes_is_refused_because_it_does_not_say_support_or_plan(value):
    error = only_error(one([UPN1, "Ann", "Lee", "9", value], header=HEADER + ["SEN"]))
    assert error.column == "SEN"
    assert "K for SEN support, E for an EHC plan" in error.message


def test_a_bad_sen_value_is_a_problem():
    error = only_error(one([UPN1, "Ann", "Lee", "9", "Q"], header=HEADER + ["SEN"]))
    assert error.column == "SEN"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("14/03/2012", date(2012, 3, 14)),
        ("4/3/2012", date(2012, 3, 4)),
        ("2012-03-14", date(2012, 3, 14)),
        ("14-03-2012", date(2012, 3, 14)),
        ("14.03.2012", date(2012, 3, 14)),
        ("40982", date(2012, 3, 14)),  # an Excel serial: a date cell saved without its format
        ("", None),
    ],
)
def test_date_values(value, expected):
    (record,) = one([UPN1, "Ann", "Lee", "9", value], header=HEADER + ["Date of Birth"]).records
    assert record.data["date_of_birth"] == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2012", "31/02/2012 is not a real date"),
        ("03-14-2012", "03-14-2012 is not a real date"),
        ("2012/03/14", "Date must be dd/mm/yyyy or yyyy-mm-dd, not '2012/03/14'"),
        ("soon", "Date must be dd/mm/yyyy or yyyy-mm-dd, not 'soon'"),
        ("2012", "Date must be dd/mm/yyyy or yyyy-mm-dd, not '2012'"),
        ("01/01/2030", "The date 01/01/2030 is in the future"),
    ],
)
def test_a_bad_date_is_a_problem_that_says_what_is_wrong(value, message):
    error = only_error(one([UPN1, "Ann", "Lee", "9", value], header=HEADER + ["DOB"]))
    assert (error.row, error.column, error.message) == (2, "DOB", message)


@pytest.mark.parametrize(("value", "score"), [("80", 80), ("120", 120), ("104", 104), ("", None)])
def test_ks2_values_and_empty_for_the_covid_years(value, score):
    header = HEADER + ["KS2 Maths Scaled Score"]
    (record,) = one([UPN1, "Ann", "Lee", "11", value], header=header).records
    assert record.data["ks2_maths"] == score


@pytest.mark.parametrize("value", ["79", "121", "0", "abc", "104.5"])
def test_out_of_range_ks2_score_is_a_problem(value):
    error = only_error(one([UPN1, "Ann", "Lee", "9", value], header=HEADER + ["KS2 Maths"]))
    assert (error.row, error.column) == (2, "KS2 Maths")
    assert "80 to 120" in error.message


# Problems ------------------------------------------------------------------------------


def test_missing_required_columns_are_each_reported_on_the_header_row():
    result = check([["upn", "Surname", "Tutor"], [UPN1, "Lee", "T1"]])
    assert result.records == []
    assert [(e.row, e.column) for e in result.errors] == [(1, "First name"), (1, "Year")]
    assert "Forename, First Name, Legal Forename" in result.errors[0].message
    assert result.missing_columns == ["First name", "Year"]


@pytest.mark.parametrize(
    ("upn", "words"),
    [
        ("A12345", "13 characters"),
        ("I00000000090A", "letter, 11 digits"),
        (upn_for(5)[1:] + "9", "letter, 11 digits"),
        (("B" if upn_for(5)[0] == "A" else "A") + upn_for(5)[1:], "check letter"),
    ],
)
def test_bad_upn_or_check_letter_is_a_problem(upn, words):
    result = one([upn, "Ann", "Lee", "9"])
    error = only_error(result)
    assert (error.row, error.column) == (2, "UPN")
    assert words in error.message
    assert result.records == []


def test_upn_is_normalised():
    (record,) = one([" " + UPN1.lower() + " ", "Ann", "Lee", "9"]).records
    assert record.upn == UPN1


def test_duplicate_upn_in_the_file_is_a_problem_on_every_copy():
    result = check(
        [HEADER, [UPN1, "Ann", "Lee", "9"], [UPN2, "Bo", "Kim", "9"], [UPN1, "Al", "Lee", "9"]]
    )
    assert [str(e) for e in result.errors] == [
        "row 2, column UPN: Duplicate UPN: also in row 4",
        "row 4, column UPN: Duplicate UPN: also in row 2",
    ]
    assert [r.upn for r in result.records] == [UPN2]


def test_upn_of_another_school_is_a_problem_that_does_not_name_the_school():
    result = one([UPN1, "Ann", "Lee", "9"], existing={UPN1: OTHER_SCHOOL})
    error = only_error(result)
    assert error.column == "UPN"
    assert error.message == UPN_NOT_HERE


def test_upn_of_this_school_makes_the_row_an_update():
    result = check(
        [HEADER, [UPN1, "Ann", "Lee", "9"], [UPN2, "Bo", "Kim", "9"]], existing={UPN1: SCHOOL}
    )
    assert [(r.upn, r.is_new) for r in result.records] == [(UPN1, False), (UPN2, True)]


@pytest.mark.parametrize("column", [0, 1, 2, 3])
def test_empty_required_cell_is_a_problem(column):
    row = [UPN1, "Ann", "Lee", "9"]
    row[column] = "  "
    error = only_error(one(row))
    assert (error.row, error.column) == (2, HEADER[column])
    assert "empty" in error.message


def test_a_short_row_has_empty_cells():
    error = only_error(one([UPN1, "Ann", "Lee"]))
    assert error.column == "Year"


def test_too_long_a_name_is_a_problem():
    error = only_error(one([UPN1, "A" * 101, "Lee", "9"]))
    assert error.column == "Forename"


def test_headers_are_not_guessed():
    result = one([UPN1, "Ann", "Lee", "9"], header=["Pupil UPN", "Forename", "Surname", "Year"])
    assert result.ignored_columns == ["Pupil UPN"]
    assert result.missing_columns == ["UPN"]


def test_every_problem_of_a_row_is_listed_with_the_files_own_header_text():
    header = ["U.P.N.", "Legal Forename", "last_name", "NC Year", "KS2 Maths", "DOB"]
    result = check(
        [header, ["", "", "Lee", "Y5", "200", "32/01/2012"], [UPN1, "Ann", "Lee", "9", "", ""]]
    )
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "U.P.N."),
        (2, "Legal Forename"),
        (2, "NC Year"),
        (2, "DOB"),
        (2, "KS2 Maths"),
    ]
    assert result.error_rows == {2}
    assert [r.row for r in result.records] == [3]


def test_row_numbers_count_blank_rows_as_excel_does():
    result = check([HEADER, [UPN1, "Ann", "Lee", "9"], ["", "", "", ""], [UPN2, "Bo", "Kim", "6"]])
    assert [str(e) for e in result.errors] == [
        "row 4, column Year: Unknown year group '6': the year must be from 7 to 13"
    ]
    assert result.row_count == 2


# Files ---------------------------------------------------------------------------------


def test_utf8_with_bom_and_crlf():
    content = b"\xef\xbb\xbf" + csv_bytes([HEADER, [UPN1, "Zoë", "李小龍", "9"]], newline="\r\n")
    table = read_table(content, "roster.CSV")
    assert table.headers == HEADER
    assert table.rows == [(2, [UPN1, "Zoë", "李小龍", "9"])]


def test_utf8_with_lf():
    table = read_table(csv_bytes([HEADER, [UPN1, "Zoë", "Lee", "9"]], newline="\n"), "r.csv")
    assert table.rows == [(2, [UPN1, "Zoë", "Lee", "9"])]


def test_windows_1252_when_not_utf8():
    content = csv_bytes([HEADER, [UPN1, "Zoë", "O’Brien", "9"]], encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    table = read_table(content, "roster.csv")
    assert table.rows[0][1][1:3] == ["Zoë", "O’Brien"]


def test_semicolon_separated_csv():
    table = read_table("UPN;Forename;Surname;Year\r\nX;Zoë;Lee;9\r\n".encode(), "r.csv")
    assert table.headers == HEADER


def test_header_need_not_be_on_row_one_and_keeps_row_numbers():
    table = read_table(csv_bytes([[], ["", ""], HEADER, [UPN1, "Ann", "Lee", "9"]]), "r.csv")
    assert table.header_row == 3
    result = validate(table, {}, SCHOOL, TODAY)
    assert result.records[0].row == 4


def test_xlsx_with_date_and_number_cells():
    content = xlsx_bytes(
        [
            ["UPN", "First Name", "Last Name", "Year Group", "Date of Birth", "KS2 Maths", "PP"],
            [UPN1, "Zoë", "Lee", 8, datetime(2012, 3, 14), 104, True],
            [UPN2, "Bo", "Kim", "Y9", "2011-09-01", 99.0, 0],
            [None, None, None, None, None, None, None],
            [UPN3, "Cy", "Day", 7, date(2013, 1, 2), None, "N"],
            [upn_for(904), "Di", "Ng", 7, 41276, None, "N"],  # a date cell without its format
        ]
    )
    result = validate(read_table(content, "roster.xlsx"), {}, SCHOOL, TODAY)
    assert result.errors == []
    first, second, third, fourth = result.records
    assert (first.data["date_of_birth"], first.data["ks2_maths"], first.data["pupil_premium"]) == (
        date(2012, 3, 14),
        104,
        True,
    )
    assert (second.year_group, second.data["ks2_maths"], second.data["pupil_premium"]) == (
        9,
        99,
        False,
    )
    assert third.row == 5
    assert third.data["date_of_birth"] == date(2013, 1, 2)
    assert third.data["ks2_maths"] is None
    assert fourth.data["date_of_birth"] == date(2013, 1, 2)


@pytest.mark.parametrize(
    ("content", "filename", "words"),
    [
        (b"", "roster.csv", "empty"),
        (b"UPN,Forename\r\n", "roster.pdf", "CSV or XLSX"),
        (b"\xd0\xcf\x11\xe0", "roster.xls", "Save it"),
        (b"not a zip at all", "roster.xlsx", "too large or damaged to read"),
        (b"\r\n,,,\r\n  ,\r\n", "roster.csv", "no header row"),
        (b"x" * (MAX_FILE_BYTES + 1), "roster.csv", "10 MB"),
    ],
)
def test_files_that_cannot_be_read_give_a_clear_message(content, filename, words):
    with pytest.raises(ImportFileError, match=words):
        read_table(content, filename)


def test_an_empty_xlsx_has_no_header_row():
    with pytest.raises(ImportFileError, match="no header row"):
        read_table(xlsx_bytes([]), "roster.xlsx")


# Census, target and cohort columns ------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Entry Year", "entry_year"),
        ("Year of Entry", "entry_year"),
        ("Leaving Date", "left_on"),
        ("Date of Leaving", "left_on"),
        ("Target", "is_target"),
        ("Target Student", "is_target"),
        ("Previously Looked After", "previously_looked_after"),
        ("PLAC", "previously_looked_after"),
        ("Sex", "sex"),
        ("Gender", "sex"),
        ("Disadvantaged", "disadvantaged"),
        ("Disadvantaged FSM6", "fsm_ever6"),
        ("Disadvantaged (FSM Ever 6)", "fsm_ever6"),
    ],
)
def test_new_optional_headers_are_recognised(header, key):
    index, _ = map_columns([header], roster.COLUMNS)
    assert index == {key: 0}


@pytest.mark.parametrize("value", ["2019", "2019/20", "2019-20", "2019/2020", 2019])
def test_entry_year_wins_over_year_so_leavers_can_be_imported(value):
    header = ["UPN", "Forename", "Surname", "Year", "Entry Year", "Leaving Date"]
    (record,) = one([UPN1, "Ann", "Lee", "", value, "20/07/2024"], header=header).records
    assert record.data["entry_year"] == 2019
    assert record.data["left_on"] == date(2024, 7, 20)
    assert record.year_group == academic.year_group(2019, TODAY)  # past Year 13


def test_with_an_entry_year_column_the_year_column_is_not_needed():
    header = ["UPN", "Forename", "Surname", "Entry Year"]
    result = one([UPN1, "Ann", "Lee", "2021/22"], header=header)
    assert result.errors == [] and result.records[0].data["entry_year"] == 2021


def test_a_row_with_neither_entry_year_nor_year_is_a_problem():
    header = ["UPN", "Forename", "Surname", "Year", "Entry Year"]
    error = only_error(one([UPN1, "Ann", "Lee", "", ""], header=header))
    assert (error.column, error.message) == ("Year", "This cell is empty; a value is required")
    (record,) = one([UPN1, "Ann", "Lee", "Y9", ""], header=header).records  # Year is used
    assert record.data["entry_year"] == academic.entry_year_for(9, TODAY)


def test_a_file_with_neither_column_is_refused_on_its_header():
    result = one([UPN1, "Ann", "Lee"], header=["UPN", "Forename", "Surname"])
    assert result.missing_columns == ["Year"] and result.records == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2019/21", "'2019/21' is not an academic year: 2019/20 follows 2019"),
        ("19/20", "Entry year must be a year such as 2019 or 2019/20, not '19/20'"),
        ("Year 7", "Entry year must be a year such as 2019 or 2019/20, not 'Year 7'"),
        ("2026", "Entry year 2026/27 has not started yet (this is 2025/26)"),
        ("1999", "Entry year 1999 is too early: the tracker starts at 2000/01"),
    ],
)
def test_a_bad_entry_year_is_a_problem_that_says_why(value, message):
    header = ["UPN", "Forename", "Surname", "Entry Year"]
    error = only_error(one([UPN1, "Ann", "Lee", value], header=header))
    assert (error.column, error.message) == ("Entry Year", message)


def test_a_leaving_date_may_be_still_to_come_but_must_be_a_date():
    header = HEADER + ["Leaving Date"]
    (record,) = one([UPN1, "Ann", "Lee", "11", "31/08/2026"], header=header).records
    assert record.data["left_on"] == date(2026, 8, 31)
    assert one([UPN1, "Ann", "Lee", "11", ""], header=header).records[0].data["left_on"] is None
    error = only_error(one([UPN1, "Ann", "Lee", "11", "soon"], header=header))
    assert error.column == "Leaving Date"


@pytest.mark.parametrize(("value", "sex"), [("F", "F"), ("m", "M"), ("Female", "F"), ("", None)])
def test_sex_values(value, sex):
    (record,) = one([UPN1, "Ann", "Lee", "9", value], header=HEADER + ["Sex"]).records
    assert record.data["sex"] == sex


def test_a_sex_other_than_the_census_codes_is_a_problem():
    error = only_error(one([UPN1, "Ann", "Lee", "9", "X"], header=HEADER + ["Gender"]))
    assert (error.column, error.message) == (
        "Gender",
        "Use F or M, as in the school census, not 'X'",
    )


def test_target_and_previously_looked_after_are_flags():
    header = HEADER + ["Target", "PLAC"]
    (record,) = one([UPN1, "Ann", "Lee", "9", "Y", "Yes"], header=header).records
    assert record.data["is_target"] is True and record.data["previously_looked_after"] is True
    error = only_error(one([UPN1, "Ann", "Lee", "9", "maybe", "N"], header=header))
    assert error.column == "Target"


def test_disadvantaged_is_never_stored_but_must_have_a_reason():
    header = HEADER + ["Disadvantaged", "FSM6", "PLAC"]
    (fsm,) = one([UPN1, "Ann", "Lee", "9", "Y", "Y", "N"], header=header).records
    assert "disadvantaged" not in fsm.data and fsm.data["fsm_ever6"] is True
    (plac,) = one([UPN1, "Ann", "Lee", "9", "Y", "N", "Y"], header=header).records
    assert plac.data["previously_looked_after"] is True
    (no,) = one([UPN1, "Ann", "Lee", "9", "N", "N", "N"], header=header).records
    assert "disadvantaged" not in no.data
    error = only_error(one([UPN1, "Ann", "Lee", "9", "Y", "N", "N"], header=header))
    assert error.column == "Disadvantaged"
    assert "FSM Ever 6 and Previously looked after say No" in error.message


def test_disadvantaged_alone_says_which_columns_to_add():
    error = only_error(one([UPN1, "Ann", "Lee", "9", "Y"], header=HEADER + ["Disadvantaged"]))
    assert "no FSM Ever 6, Looked after or Previously looked after column" in error.message
    assert one([UPN1, "Ann", "Lee", "9", "N"], header=HEADER + ["Disadvantaged"]).errors == []
