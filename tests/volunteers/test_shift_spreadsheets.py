"""Coordinators import shifts from CSV or XLSX with a dry-run preview, and export them;
site staff do the same in the admin. A file reaches only its own organization's shifts,
never a ride's private details, and never a shift that people signed up for."""

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
import tablib
import time_machine
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Membership
from tests import spreadsheet_helpers as sheets
from tests.conftest import make_user
from volunteers.models import Shift, SignUp, TransportDetails
from volunteers.resources import ShiftResource, StaffShiftResource

from .conftest import NOW, at, make_ride, make_shift, make_signup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

UTC = datetime.UTC
HEADERS = [
    "kind",
    "title",
    "date",
    "start_time",
    "end_time",
    "place",
    "capacity",
    "meal_role",
    "destination",
    "requires_background_check",
]
TEMPLATES = Path(settings.BASE_DIR) / "static" / "volunteers"
# NOW is Monday 2 March 2026 in Kansas City; daylight saving time starts on 8 March.
NEXT_WEEK = "2026-03-10"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def csv_file(rows, headers=HEADERS, name="shifts.csv"):
    return sheets.csv_file(rows, headers, name)


def xlsx_file(rows, headers=HEADERS, name="shifts.xlsx"):
    return sheets.xlsx_file(rows, headers, name)


def import_url(organization):
    return reverse("volunteers:shift_import", args=[organization.slug])


def export_url(organization, fmt):
    return reverse("volunteers:shift_export", args=[organization.slug, fmt])


def upload(client, organization, file):
    return client.post(import_url(organization), {"file": file})


def exported_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def shift_row(kind, title, date, times, place, capacity, meal_role="", destination="", check=""):
    """A line of a file with HEADERS' columns."""
    start, end = times.split("-")
    return [kind, title, date, start, end, place, capacity, meal_role, destination, check]


MEAL = ["meal", "Serve the community meal", NEXT_WEEK, "17:00", "19:00", "Fellowship hall", "6"]
GOOD_ROWS = [
    [*MEAL, "serve", "", "no"],
    shift_row(
        "Meal", "Bring a main dish", "2026-03-12", "4:30 PM-17:15", "Hall", "3", "Bring food"
    ),
    shift_row(
        "TRANSPORT",
        "Ride to a court date",
        "2026-03-11",
        "08:00-11:00",
        "Midtown",
        "1",
        destination="Court",
        check="yes",
    ),
]


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def test_a_file_with_errors_is_previewed_line_by_line_then_a_clean_file_imports(
    signed_in, organization
):
    bad = [GOOD_ROWS[0], [*MEAL[:6], "lots", "serve", "", ""], GOOD_ROWS[2]]
    response = upload(signed_in, organization, csv_file(bad))
    assert response.status_code == 200
    assert "1 line has errors (1 error). Nothing was imported." in response.text
    assert 'name="payload"' not in response.text
    assert set(sheets.line_errors(response)) == {3}
    assert "capacity: “lots” is not a number." in sheets.line_errors(response)[3]
    assert not Shift.objects.exists()

    response = upload(signed_in, organization, csv_file(GOOD_ROWS))
    assert "All 3 lines are valid. Nothing is saved yet." in response.text
    assert response.text.count("<td>New</td>") == 3
    assert not Shift.objects.exists()

    response = signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:manage_shifts", args=[organization.slug])
    assert "Imported 3 lines." in signed_in.get(response["Location"]).text
    shifts = {shift.title: shift for shift in Shift.objects.all()}
    assert all(shift.organization == organization for shift in shifts.values())
    meal = shifts["Serve the community meal"]
    # 17:00 in Kansas City after the change to daylight saving time is 22:00 UTC.
    assert meal.start == datetime.datetime(2026, 3, 10, 22, 0, tzinfo=UTC)
    assert meal.end == datetime.datetime(2026, 3, 11, 0, 0, tzinfo=UTC)
    assert (meal.kind, meal.meal_role, meal.capacity) == ("meal", "serve", 6)
    bring = shifts["Bring a main dish"]
    assert (bring.kind, bring.meal_role) == ("meal", "bring")
    assert bring.start == datetime.datetime(2026, 3, 12, 21, 30, tzinfo=UTC)
    ride = shifts["Ride to a court date"]
    assert (ride.kind, ride.destination) == ("transport", "court")
    assert ride.requires_driver and ride.requires_background_check and ride.round_trip
    assert ride.pickup_window_minutes == 15
    assert not TransportDetails.objects.exists()


def test_xlsx_files_with_real_date_and_time_cells_import_the_same_way(signed_in, organization):
    row = ["meal", "Pancake breakfast", datetime.date(2026, 3, 5), datetime.time(8, 30)]
    row += [datetime.time(10), "Drop-in center", 4, "serve", None, None]
    response = upload(signed_in, organization, xlsx_file([row]))
    assert "The line is valid" in response.text
    signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    shift = Shift.objects.get()
    assert shift.start == datetime.datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    assert shift.capacity == 4


@pytest.mark.parametrize("template", ["shifts-template.csv", "shifts-template.xlsx"])
def test_the_shipped_templates_match_the_columns_and_import_cleanly(
    signed_in, organization, template
):
    path = TEMPLATES / template
    response = upload(signed_in, organization, SimpleUploadedFile(template, path.read_bytes()))
    assert "All 3 lines are valid" in response.text, sheets.line_errors(response)
    content = path.read_bytes() if path.suffix == ".xlsx" else path.read_text()
    dataset = tablib.Dataset().load(content, format=path.suffix[1:])
    assert set(dataset.headers) <= set(ShiftResource(organization).import_columns())
    signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    assert Shift.objects.filter(organization=organization).count() == 3


def test_the_import_page_offers_the_templates_and_the_exports(signed_in, organization):
    text = signed_in.get(import_url(organization)).text
    assert "/static/volunteers/shifts-template.csv" in text
    assert "/static/volunteers/shifts-template.xlsx" in text
    assert export_url(organization, "csv") in text
    assert export_url(organization, "xlsx") in text


def meal(**changes):
    """MEAL's line, serving, with some columns changed."""
    row = dict(zip(HEADERS, [*MEAL, "serve", "", ""], strict=True))
    row.update(changes)
    return list(row.values())


def test_every_bad_row_is_listed_with_its_line_and_nothing_is_written(signed_in, organization):
    rows = [
        meal(),
        meal(capacity="lots"),
        meal(capacity="-3"),
        meal(capacity="250000"),
        meal(capacity="1e999999"),
        meal(kind="spaceship"),
        meal(date="2026-02-20"),
        meal(date="soon"),
        meal(start_time="noonish"),
        meal(start_time="19:00", end_time="17:00"),
        meal(requires_background_check="maybe"),
        meal(title='=HYPERLINK("http://evil.example","Click")'),
        meal(meal_role=""),
        meal(kind="transport", meal_role="", destination=""),
        meal(title="", place=""),
        meal(date="", capacity=""),
        meal(kind="rides", meal_role="", destination="court"),
    ]
    response = upload(signed_in, organization, csv_file(rows))
    errors = sheets.line_errors(response)
    assert "16 lines have errors" in response.text
    assert "Nothing was imported." in response.text
    assert 'name="payload"' not in response.text
    assert set(errors) == set(range(3, 19))
    assert "capacity: “lots” is not a number. Enter a whole number" in errors[3]
    assert "capacity: Ensure this value is greater than or equal to 1." in errors[4]
    assert "capacity: Ensure this value is less than or equal to 500." in errors[5]
    assert "capacity: Enter at most 500." in errors[6]
    assert "kind: “spaceship” is not one of: meal, transport, other." in errors[7]
    assert "date: 2026-02-20 at 17:00 is in the past." in errors[8]
    assert "date: “soon” is not a date. Enter it as YYYY-MM-DD" in errors[9]
    assert "start_time: “noonish” is not a time. Enter it as HH:MM" in errors[10]
    assert "end_time: 17:00 is not after the start, 19:00." in errors[11]
    assert "requires_background_check: “maybe” is not yes or no." in errors[12]
    assert "title: “=HYPERLINK" in errors[13] and "spreadsheets run as a formula" in errors[13]
    assert "meal_role: Say whether volunteers serve or bring food" in errors[14]
    assert "destination: Choose where the ride goes: court, medical" in errors[15]
    assert "title: This field cannot be blank." in errors[16]
    assert "place: This field cannot be blank." in errors[16]
    assert "date: This field cannot be blank." in errors[17]
    assert "capacity: This field cannot be blank." in errors[17]
    # An unknown kind is the one thing wrong: no meal or ride rule is guessed for it.
    assert "kind: “rides” is not one of: meal, transport, other." in errors[18]
    assert "meal_role" not in errors[18] and "destination" not in errors[18]
    assert not Shift.objects.exists()


def test_values_no_shift_can_have_are_explained_on_their_column(signed_in, organization):
    # Daylight saving time starts on 8 March 2026 at 2:00 and ends on 1 November at 2:00.
    rows = [
        meal(capacity="1e999999999"),
        meal(date="9999-12-31", start_time="23:00", end_time="23:59"),
        meal(date="2026-03-08", start_time="02:30", end_time="03:00"),
        meal(date="2026-03-08", start_time="01:30", end_time="02:15"),
        meal(date="2026-11-01", start_time="01:30", end_time="02:30"),
    ]
    errors = sheets.line_errors(upload(signed_in, organization, csv_file(rows)))
    assert set(errors) == {2, 3, 4, 5}
    assert "capacity: Enter at most 500." in errors[2]
    assert "date: Shifts can be posted up to two years ahead: 9999-12-31 is too far." in errors[3]
    skipped = "{}: The clocks go forward on 2026-03-08, so there is no {} that day."
    assert skipped.format("start_time", "02:30") in errors[4]
    assert skipped.format("end_time", "02:15") in errors[5]
    for line in errors.values():
        assert "could not be imported" not in line
        assert "Constraint" not in line
    assert not Shift.objects.exists()


@pytest.mark.parametrize("row_id", ["Infinity", "-Infinity", "NaN", "1e999999999", "x"])
def test_an_id_that_is_not_a_number_is_an_error_on_its_line(signed_in, organization, row_id):
    response = upload(signed_in, organization, csv_file([[row_id, *meal()]], ID_HEADERS))
    errors = sheets.line_errors(response)
    assert f"id: There is no row with id {row_id} in Rended Heart." in errors[2]
    assert not Shift.objects.exists()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            csv_file([["meal", "Soup", NEXT_WEEK]], headers=["kind", "title", "date"]),
            "Missing columns: start_time, end_time, place, capacity.",
        ),
        (
            csv_file([[*MEAL, "serve", "", "", "Library"]], headers=[*HEADERS, "pickup_point"]),
            "Unknown columns: pickup_point.",
        ),
        (
            csv_file([[*MEAL, "serve", "", "", "2"]], headers=[*HEADERS, "colour"]),
            "Unknown columns: colour.",
        ),
        (csv_file([], headers=HEADERS), "This file has column names but no rows to import."),
        (
            SimpleUploadedFile("shifts.csv", b"a" * (20 * 1024 * 1024)),
            "This file is 20.0 MB; the limit is 2 MB.",
        ),
        (
            SimpleUploadedFile("shifts.xlsx", b"kind,title\nmeal,Soup\n"),
            "This file is not an Excel workbook, even though its name ends in .xlsx.",
        ),
        (
            SimpleUploadedFile("shifts.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00 a picture"),
            "This file is not an Excel workbook",
        ),
        (SimpleUploadedFile("shifts.ods", b"PK\x03\x04"), "Upload a .csv or .xlsx file."),
    ],
    ids=[
        "missing columns",
        "private ride detail",
        "unknown column",
        "no rows",
        "20 MB",
        "csv renamed xlsx",
        "picture renamed xlsx",
        "other format",
    ],
)
def test_a_bad_file_gets_one_clear_message_and_nothing_is_written(
    signed_in, organization, file, message
):
    response = upload(signed_in, organization, file)
    assert response.status_code == 200
    assert message in response.text
    assert 'name="payload"' not in response.text
    assert not Shift.objects.exists()


def test_a_formula_cell_in_an_xlsx_file_is_refused(signed_in, organization):
    rows = [[*MEAL[:6], "=2*3", "serve", None, None], [*MEAL, "serve", None, None]]
    response = upload(signed_in, organization, xlsx_file(rows))
    assert set(sheets.line_errors(response)) == {2}
    assert "capacity: “=2*3” starts with “=”" in sheets.line_errors(response)[2]
    assert not Shift.objects.exists()


ID_HEADERS = ["id", *HEADERS]


def test_an_id_of_another_organizations_shift_is_an_error_on_its_line(
    signed_in, organization, other_organization
):
    theirs = make_shift(other_organization, title="Their dinner", start=at(3, 17))
    rows = [
        ["", *MEAL, "serve", "", ""],
        [theirs.pk, *shift_row("meal", "Stolen", NEXT_WEEK, "17:00-19:00", "Elsewhere", "9")],
        ["999999", *MEAL, "serve", "", ""],
    ]
    response = upload(signed_in, organization, csv_file(rows, ID_HEADERS))
    errors = sheets.line_errors(response)
    assert set(errors) == {3, 4}
    assert f"id: There is no row with id {theirs.pk} in Rended Heart." in errors[3]
    assert 'name="payload"' not in response.text
    theirs.refresh_from_db()
    assert (theirs.title, theirs.place, theirs.capacity) == ("Their dinner", "Willow Tree Room", 5)
    assert theirs.organization == other_organization
    assert Shift.objects.count() == 1


def test_a_preview_cannot_be_imported_into_another_organization(
    signed_in, organization, other_organization, coordinator
):
    Membership.objects.create(user=coordinator, organization=other_organization)
    response = upload(signed_in, organization, csv_file(GOOD_ROWS))
    response = signed_in.post(
        import_url(other_organization), {"payload": sheets.payload_of(response)}, follow=True
    )
    assert "This preview has expired. Please upload the file again." in response.text
    assert not Shift.objects.exists()


def test_an_id_updates_the_organizations_own_shift_through_the_edit_service(
    signed_in, organization
):
    ride = make_ride(organization, start=at(3, 9), pickup_point="Plaza library")
    line = shift_row("transport", "To the dentist", "2026-03-06", "13:00-15:00", "Northeast", "1")
    line[HEADERS.index("destination")] = "dental"
    rows = [[ride.pk, *line]]
    response = upload(signed_in, organization, csv_file(rows, ID_HEADERS))
    assert "<td>Update</td>" in response.text
    signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    ride.refresh_from_db()
    assert (ride.title, ride.place, ride.destination) == ("To the dentist", "Northeast", "dental")
    assert ride.start == datetime.datetime(2026, 3, 6, 19, 0, tzinfo=UTC)
    assert ride.requires_driver
    # The private details are kept, and were never in the file.
    assert ride.private_details.pickup_point == "Plaza library"

    line = shift_row("other", "Help at the office", "2026-03-06", "13:00-15:00", "Office", "1")
    rows = [[ride.pk, *line]]
    response = upload(signed_in, organization, csv_file(rows, ID_HEADERS))
    signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    # As with the edit form: a shift that is no longer a ride keeps no private details.
    assert not TransportDetails.objects.exists()


def test_a_shift_people_signed_up_for_cannot_be_changed_by_a_file(
    signed_in, organization, volunteer
):
    shift = make_shift(organization, start=at(3, 17), title="Community meal")
    make_signup(shift, volunteer)
    mail.outbox.clear()
    exported = signed_in.get(export_url(organization, "csv")).content.decode("utf-8-sig")
    moved = exported.replace("17:00", "18:00")
    response = upload(signed_in, organization, SimpleUploadedFile("s.csv", moved.encode()))
    errors = sheets.line_errors(response)
    assert set(errors) == {2}
    assert "People have signed up for this shift, so an import cannot change it." in errors[2]
    assert 'name="payload"' not in response.text

    # Left as exported, the line is fine.
    response = upload(signed_in, organization, SimpleUploadedFile("s.csv", exported.encode()))
    assert "<td>Unchanged</td>" in response.text
    signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    shift.refresh_from_db()
    assert shift.start == at(3, 17)
    assert SignUp.objects.get().status == SignUp.Status.CONFIRMED
    assert mail.outbox == []


def test_a_cancelled_shift_cannot_be_changed_by_a_file(signed_in, organization):
    shift = make_shift(organization, start=at(3, 17), cancelled_at=NOW)
    rows = [[shift.pk, *MEAL, "serve", "", ""]]
    response = upload(signed_in, organization, csv_file(rows, ID_HEADERS))
    assert "This shift is cancelled, so it cannot be changed." in sheets.line_errors(response)[2]


def test_an_exported_file_imports_back_unchanged_past_shifts_included(signed_in, organization):
    make_shift(organization, start=at(-7, 17), title="Last week's meal")
    make_ride(organization, start=at(4, 8))
    exported = signed_in.get(export_url(organization, "xlsx"))
    response = upload(signed_in, organization, SimpleUploadedFile("back.xlsx", exported.content))
    assert "All 2 lines are valid" in response.text
    assert response.text.count("<td>Unchanged</td>") == 2


FORMULA_TITLES = ['=HYPERLINK("http://evil.example")', "+1 meal", "-2 rides", "@SUM(A1)"]


def test_the_export_holds_only_the_organizations_shifts_with_formulas_neutralised(
    signed_in, organization, other_organization, volunteer
):
    for day, title in enumerate(FORMULA_TITLES, start=1):
        make_shift(organization, title=title, start=at(day, 17), description="=cmd|' /C calc'!A0")
    make_signup(Shift.objects.get(title="+1 meal"), volunteer)
    make_shift(other_organization, title="Their dinner")
    response = signed_in.get(export_url(organization, "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="rended-heart-shifts.csv"' in response["Content-Disposition"]
    rows = exported_rows(response)
    assert [row["title"] for row in rows] == [f"'{title}" for title in FORMULA_TITLES]
    assert rows[0]["description"] == "'=cmd|' /C calc'!A0"
    assert (rows[0]["date"], rows[0]["start_time"], rows[0]["end_time"]) == (
        "2026-03-03",
        "17:00",
        "19:00",
    )
    assert [row["signed_up"] for row in rows] == ["0", "1", "0", "0"]
    assert rows[0]["cancelled"] == "no"
    assert "Their dinner" not in response.content.decode()


def test_the_export_never_holds_a_rides_private_details(signed_in, organization):
    make_ride(organization, pickup_point="Plaza library, side door")
    for fmt in ["csv", "xlsx"]:
        response = signed_in.get(export_url(organization, fmt))
        if fmt == "csv":
            text = response.content.decode("utf-8-sig")
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
            text = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
        assert "Ride to a court date" in text
        assert "Plaza library" not in text
        assert "Front desk" not in text
        assert "pickup_point" not in text and "ask_for" not in text


def test_xlsx_export_keeps_numbers_as_numbers_and_text_as_text(signed_in, organization):
    make_shift(organization, title=FORMULA_TITLES[0], capacity=7)
    response = signed_in.get(export_url(organization, "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, list(sheet[2]), strict=True))
    assert row["title"].data_type == "s"
    assert row["title"].value.startswith("'=")
    assert row["capacity"].value == 7


def test_the_export_runs_a_constant_number_of_queries(
    signed_in, organization, volunteer, django_assert_num_queries
):
    def add(count):
        for i in range(count):
            shift = make_shift(organization, start=at(1 + i, 17))
            make_signup(shift, make_user(f"p{Shift.objects.count()}@example.test"))

    add(2)
    with django_assert_num_queries(4) as small:
        signed_in.get(export_url(organization, "csv"))
    add(18)
    with django_assert_num_queries(len(small.captured_queries)):
        response = signed_in.get(export_url(organization, "csv"))
    assert len(exported_rows(response)) == 20


def test_an_unknown_export_format_is_not_found(signed_in, organization):
    assert signed_in.get(export_url(organization, "pdf")).status_code == 404


# Outsiders


@pytest.fixture
def their_shift(organization):
    return make_ride(organization, title="Ride to a court date", start=at(3, 9))


def outsider_requests(client, organization, shift):
    """Every way into the import and export, each answered."""
    row = shift_row("transport", "Hijacked", NEXT_WEEK, "08:00-09:00", "Nowhere", "9")
    row[HEADERS.index("destination")] = "court"
    file = csv_file([[shift.pk, *row]], ID_HEADERS)
    return [
        client.get(import_url(organization)),
        client.post(import_url(organization), {"file": file}),
        client.post(import_url(organization), {"payload": "forged"}),
        client.get(export_url(organization, "csv")),
        client.get(export_url(organization, "xlsx")),
    ]


def assert_unchanged(shift):
    shift.refresh_from_db()
    assert (shift.title, shift.place, shift.capacity) == ("Ride to a court date", "Midtown", 1)
    assert Shift.objects.count() == 1


@pytest.mark.parametrize("who", ["other_coordinator", "volunteer"])
def test_another_organizations_coordinator_and_a_plain_volunteer_get_404(
    client, organization, their_shift, request, who
):
    client.force_login(request.getfixturevalue(who))
    for response in outsider_requests(client, organization, their_shift):
        assert response.status_code == 404
        assert b"Plaza library" not in response.content
    assert_unchanged(their_shift)


def test_an_anonymous_visitor_is_sent_to_log_in(client, organization, their_shift):
    for response in outsider_requests(client, organization, their_shift):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert_unchanged(their_shift)


def test_the_manage_pages_link_to_the_import_and_the_exports(signed_in, organization):
    assert import_url(organization) in signed_in.get(reverse("core:manage_index")).text
    text = signed_in.get(reverse("volunteers:manage_shifts", args=[organization.slug])).text
    assert import_url(organization) in text
    assert export_url(organization, "csv") in text
    assert export_url(organization, "xlsx") in text


# Site staff


def test_site_staff_import_shifts_for_any_organization_by_slug(organization, other_organization):
    dataset = tablib.Dataset(
        ["rended-heart", *MEAL, "serve", "", ""],
        [
            "justice-project-kc",
            *shift_row("meal", "Soup", NEXT_WEEK, "18:00-20:00", "Hall", "4", "serve"),
        ],
        headers=["organization", *HEADERS],
    )
    result = StaffShiftResource().import_data(dataset, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Shift.objects.get(title="Soup").organization == other_organization
    assert Shift.objects.get(title=MEAL[1]).organization == organization


def test_site_staff_have_shift_import_and_export_in_the_admin(client, organization):
    staff = make_user("staff@example.test", is_staff=True, is_superuser=True)
    client.force_login(staff)
    make_ride(organization)
    assert client.get("/admin/volunteers/shift/import/").status_code == 200
    assert client.get("/admin/volunteers/shift/export/").status_code == 200
    columns = ["organization", "title", "date", "place", "signed_up"]
    response = client.post(
        "/admin/volunteers/shift/export/",
        {"format": "0", "resource": "0"} | {f"staffshiftresource_{name}": "on" for name in columns},
    )
    assert response["Content-Type"] == "text/csv"
    rows = exported_rows(response)
    assert rows == [
        {
            "organization": "rended-heart",
            "title": "Ride to a court date",
            "date": "2026-03-05",
            "place": "Midtown",
            "signed_up": "0",
        }
    ]
    assert b"Plaza library" not in response.content


def test_importing_a_preview_again_after_pressing_back_imports_nothing_and_says_so(
    signed_in, organization
):
    payload = sheets.payload_of(upload(signed_in, organization, csv_file(GOOD_ROWS)))
    imported = signed_in.post(import_url(organization), {"payload": payload}, follow=True)
    assert "Imported 3 lines." in imported.text
    assert Shift.objects.count() == 3

    # Back to the preview page the browser kept, and "Import 3 lines" once more.
    response = signed_in.post(import_url(organization), {"payload": payload})
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:manage_shifts", args=[organization.slug])
    page = signed_in.get(response["Location"]).text
    assert "These 3 lines were already imported. Nothing was imported again." in page
    assert "Imported 3 lines." not in page
    assert "Serve the community meal" in page
    assert Shift.objects.count() == 3


def test_a_preview_whose_import_was_refused_can_still_be_imported_once(
    signed_in, organization, volunteer
):
    shift = make_shift(organization, start=at(3, 17), title="Community meal")
    rows = [[shift.pk, *MEAL, "serve", "", ""]]
    preview = upload(signed_in, organization, csv_file(rows, ID_HEADERS))
    assert "<td>Update</td>" in preview.text
    payload = sheets.payload_of(preview)
    signup = make_signup(shift, volunteer)

    refused = signed_in.post(import_url(organization), {"payload": payload})
    assert refused.status_code == 200
    errors = sheets.line_errors(refused)
    assert "People have signed up for this shift, so an import cannot change it." in errors[2]

    # The volunteer cancels; back to the preview, the coordinator imports it after all.
    signup.delete()
    response = signed_in.post(import_url(organization), {"payload": payload}, follow=True)
    assert "Imported 1 line." in response.text
    shift.refresh_from_db()
    assert shift.title == "Serve the community meal"
    response = signed_in.post(import_url(organization), {"payload": payload}, follow=True)
    assert "This line was already imported. Nothing was imported again." in response.text


def test_a_semicolon_csv_from_excel_in_spanish_imports_with_its_day_first_dates(
    signed_in, organization
):
    # Excel set to Spanish on Windows: semicolons, Windows-1252, dates as day/month/year.
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerow(
        ["meal", "Cena comunitaria", "10/03/2026", "17:00", "19:00", "Salón", "6", "serve"]
    )
    writer.writerow(["other", "Clasificar; etiquetar", "5/3/26", "9:00", "11:00", "Café", "2"])
    file = SimpleUploadedFile("turnos.csv", out.getvalue().encode("cp1252"))
    response = upload(signed_in, organization, file)
    assert "All 2 lines are valid. Nothing is saved yet." in response.text
    signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    shifts = {shift.title: shift for shift in Shift.objects.all()}
    # 17:00 on 10 March in Kansas City (daylight saving time) is 22:00 UTC.
    assert shifts["Cena comunitaria"].start == datetime.datetime(2026, 3, 10, 22, tzinfo=UTC)
    assert shifts["Cena comunitaria"].place == "Salón"
    sorting = shifts["Clasificar; etiquetar"]
    assert sorting.start == datetime.datetime(2026, 3, 5, 15, tzinfo=UTC)
    assert (sorting.place, sorting.capacity) == ("Café", 2)
