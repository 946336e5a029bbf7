"""The shared spreadsheet machinery (core.lib.spreadsheets): reading files, spotting
formulas, and the widgets that read what coordinators type. The import and export
pages built on it are tested with each app (tests/needs, tests/volunteers)."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.lib.spreadsheets import (
    ChoiceWidget,
    DateWidget,
    SpreadsheetError,
    TimeWidget,
    WholeNumberWidget,
    YesNoWidget,
    looks_like_formula,
    neutralise,
    read_spreadsheet,
)
from core.models import Service

COLUMNS = ["id", "title", "quantity_needed", "needed_by"]


def read(content, name="file.csv", required=("title",)):
    upload = SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode())
    return read_spreadsheet(upload, columns=COLUMNS, required=required, date_columns=["needed_by"])


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.example")', "@SUM(A1:A3)", "+cmd|' /C calc'!A0", "-2+3", "\t=1"],
)
def test_text_a_spreadsheet_would_run_looks_like_a_formula(text):
    assert looks_like_formula(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["-3", "+12", "Soap", "", "a=b", 7, None])
def test_signed_numbers_and_plain_text_are_not_formulas(value):
    assert not looks_like_formula(value)


def test_neutralise_leaves_numbers_and_plain_text_alone():
    assert neutralise(7) == 7
    assert neutralise("Soap") == "Soap"
    assert neutralise(None) is None


def test_headers_are_matched_ignoring_case_and_spaces_and_lines_keep_their_numbers():
    sheet = read("Title , Quantity Needed\nSoap,4\n\n\nPads,2\n")
    assert sheet.headers == ["title", "quantity_needed"]
    assert sheet.rows == [["Soap", "4"], ["Pads", "2"]]
    assert sheet.lines == [2, 5]


def test_a_quoted_cell_over_two_lines_keeps_the_next_rows_line_number():
    sheet = read('title,quantity_needed\n"Soap,\nbars",4\nPads,2\n')
    assert sheet.rows[0] == ["Soap,\nbars", "4"]
    assert sheet.lines == [2, 4]


def test_xlsx_cells_become_the_text_the_widgets_read():
    book = openpyxl.Workbook()
    book.active.append(["title", "quantity_needed", "needed_by"])
    book.active.append(["Soap", 4.0, datetime.datetime(2026, 5, 1)])
    out = io.BytesIO()
    book.save(out)
    sheet = read(out.getvalue(), name="needs.xlsx")
    assert sheet.rows == [["Soap", "4", "2026-05-01"]]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("quantity_needed\n4\n", "f.csv", "Missing columns: title."),
        ("title,colour\nSoap,red\n", "f.csv", "Unknown columns: colour."),
        ("title,title\nSoap,Soap\n", "f.csv", "Columns named twice: title."),
        ("title\n", "f.csv", "This file has column names but no rows to import."),
        ("title\nSoap\n", "f.txt", "Upload a .csv or .xlsx file."),
        ("title\nSoap\n", "f.xlsx", "This file is not an Excel workbook"),
        (b"title\x00\n", "f.csv", "This file is not a CSV text file."),
        ("title\nSoap,4\n", "f.csv", "Line 2 has more cells than the file has column names."),
    ],
)
def test_a_file_wide_problem_is_one_clear_message(content, name, message):
    with pytest.raises(SpreadsheetError, match=re.escape(message)):
        read(content, name=name)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(
        SpreadsheetError, match=re.escape("This file is 20.0 MB; the limit is 2 MB.")
    ):
        read(b"a" * (20 * 1024 * 1024))


def test_a_choice_is_read_by_its_code_or_its_english_or_spanish_label_in_any_case():
    widget = ChoiceWidget(Service)
    assert widget.clean("meals") == "meals"
    assert widget.clean("  MEALS ") == "meals"
    assert widget.clean("Counseling and therapy") == "counseling"
    assert widget.clean("comidas") == "meals"
    assert widget.clean("") is None
    with pytest.raises(ValueError, match="“spaceships” is not one of: housing, meals"):
        widget.clean("spaceships")


def test_a_whole_number_refuses_text_fractions_and_absurd_sizes():
    widget = WholeNumberWidget(500)
    assert widget.clean("1,200") == 1200
    assert widget.clean("-3") == -3
    assert widget.clean("") is None
    for value, message in [
        ("lots", "“lots” is not a number"),
        ("2.5", "Enter a whole number"),
        ("1e999999", "Enter at most 500."),
        ("NaN", "Enter a whole number"),
    ]:
        with pytest.raises(ValueError, match=message):
            widget.clean(value)


def test_dates_are_read_as_people_write_them():
    widget = DateWidget()
    expected = datetime.date(2026, 3, 10)
    for text in ["2026-03-10", "3/10/2026", "03/10/26", "2026-03-10T00:00:00"]:
        assert widget.clean(text) == expected
    assert widget.clean("") is None
    with pytest.raises(ValueError, match=r"“soon” is not a date\. Enter it as YYYY-MM-DD"):
        widget.clean("soon")


@pytest.mark.parametrize(
    ("separator", "dates", "read_as", "said"),
    [
        # A day over 12 shows the day comes first, whatever the separator.
        (
            ",",
            ["25/03/2027", "03/04/2027"],
            ["2027-03-25", "2027-04-03"],
            "Dates were read day first: 03/04/2027 is April 3, 2027. If it means March 4, "
            "2027, write the dates as YYYY-MM-DD (2027-03-04) and upload the file again.",
        ),
        # And a second number over 12 that the month does.
        (
            ";",
            ["3/25/27", "4/3/2027"],
            ["2027-03-25", "2027-04-03"],
            "Dates were read month first: 4/3/2027 is April 3, 2027. If it means March 4, "
            "2027, write the dates as YYYY-MM-DD (2027-03-04) and upload the file again.",
        ),
        # Nothing shows it: as Excel writes them with that separator.
        (
            ",",
            ["03/04/2027", "2027-05-01"],
            ["2027-03-04", "2027-05-01"],
            "Dates were read month first: 03/04/2027 is March 4, 2027. If it means April 3, "
            "2027, write the dates as YYYY-MM-DD (2027-04-03) and upload the file again.",
        ),
        (
            ";",
            ["03/04/2027", "2027-05-01"],
            ["2027-04-03", "2027-05-01"],
            "Dates were read day first: 03/04/2027 is April 3, 2027. If it means March 4, "
            "2027, write the dates as YYYY-MM-DD (2027-03-04) and upload the file again.",
        ),
        # Only dates that no order changes: nothing to check.
        (
            ",",
            ["25/03/2027", "05/05/2027"],
            ["2027-03-25", "2027-05-05"],
            "Dates were read day first: 25/03/2027 is March 25, 2027.",
        ),
    ],
)
def test_slash_dates_are_read_in_the_order_the_file_shows(separator, dates, read_as, said):
    lines = [f"title{separator}needed_by"] + [f"Row {i}{separator}{d}" for i, d in enumerate(dates)]
    sheet = read("\r\n".join(lines))
    assert [row[1] for row in sheet.rows] == read_as
    assert sheet.date_order.explained() == said


def test_slash_dates_that_disagree_are_left_for_the_date_widget_to_refuse():
    sheet = read("title,needed_by\r\nA,25/03/2027\r\nB,03/25/2027\r\nC,31/02/2027\r\n")
    # Read month first, as a comma file with nothing to go on; the others are no dates.
    assert [row[1] for row in sheet.rows] == ["25/03/2027", "2027-03-25", "31/02/2027"]
    with pytest.raises(ValueError, match=r"“25/03/2027” is not a date"):
        DateWidget().clean(sheet.rows[0][1])


def test_a_file_without_slash_dates_says_nothing_of_their_order():
    assert read("title,needed_by,quantity_needed\r\nA,2027-03-25,3/4\r\n").date_order is None


def test_slash_dates_typed_as_text_in_an_xlsx_are_read_in_their_order_too():
    book = openpyxl.Workbook()
    book.active.append(["title", "needed_by"])
    book.active.append(["A", "25/03/2027"])
    book.active.append(["B", datetime.date(2027, 4, 3)])
    out = io.BytesIO()
    book.save(out)
    sheet = read(out.getvalue(), name="file.xlsx")
    assert [row[1] for row in sheet.rows] == ["2027-03-25", "2027-04-03"]
    assert (
        sheet.date_order.explained() == "Dates were read day first: 25/03/2027 is March 25, 2027."
    )


def test_times_are_read_as_people_write_them():
    widget = TimeWidget()
    expected = datetime.time(17, 30)
    for text in ["17:30", "17:30:00", "5:30 PM", "5:30pm", "1899-12-30T17:30:00"]:
        assert widget.clean(text) == expected
    assert widget.clean("5 pm") == datetime.time(17)
    assert widget.clean(datetime.time(8)) == datetime.time(8)
    assert widget.clean("") is None
    for text in ["noonish", "25:00", "17h30"]:
        with pytest.raises(ValueError, match=r"is not a time\. Enter it as HH:MM"):
            widget.clean(text)


def test_yes_and_no_are_read_in_english_or_spanish_and_written_as_yes_or_no():
    widget = YesNoWidget()
    for text in ["yes", "YES", "y", "true", "1", "Sí", "si"]:
        assert widget.clean(text) is True
    for text in ["no", "No", "n", "FALSE", "0"]:
        assert widget.clean(text) is False
    assert widget.clean("") is None
    with pytest.raises(ValueError, match=r"“maybe” is not yes or no\."):
        widget.clean("maybe")
    assert (widget.render(True), widget.render(False), widget.render(None)) == ("yes", "no", "")
