"""The hours report per volunteer and month, on screen and as CSV and XLSX."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from tests.conftest import PASSWORD, make_user
from volunteers.models import SignUp

from .conftest import NOW, at, make_shift, make_signup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def report_url(organization):
    return reverse("volunteers:hours_report", args=[organization.slug])


@pytest.fixture
def history(organization, other_organization, volunteer):
    """Val served 2 h + 3 h in February and 4 h in January; a guest 2 h in February."""
    make_signup(make_shift(organization, start=at(-5, 17), hours=2), volunteer)
    make_signup(make_shift(organization, start=at(-12, 9), hours=4), volunteer, hours=Decimal(3))
    make_signup(make_shift(organization, start=at(-40, 9), hours=4), volunteer)
    make_signup(
        make_shift(organization, start=at(-19, 9), hours=4),
        volunteer,
        attendance=SignUp.Attendance.NO_SHOW,
    )
    make_signup(make_shift(organization, start=at(-20, 9)), volunteer, status="waitlisted")
    make_signup(make_shift(other_organization, start=at(-5, 9), hours=8), volunteer)
    SignUp.objects.create(
        shift=make_shift(organization, start=at(-6, 9), hours=2),
        guest_name="Gina Guest",
        guest_email="gina@example.test",
        status=SignUp.Status.CONFIRMED,
    )
    make_signup(make_shift(organization, start=at(3, 9)), volunteer)  # not served yet


def row(*cells):
    return "".join(f"<td>{cell}</td>" for cell in cells)


def test_the_report_sums_hours_per_volunteer_and_month(client, coordinator, organization, history):
    client.force_login(coordinator)
    html = client.get(report_url(organization)).text
    assert row("Val Volunteer", "volunteer@example.test", "February 2026", 2, 5) in html
    assert row("Val Volunteer", "volunteer@example.test", "January 2026", 1, 4) in html
    assert row("Gina Guest", "gina@example.test", "February 2026", 1, 2) in html
    assert "11 hours from" in html


def test_the_date_boxes_show_the_days_the_report_covers(client, coordinator, organization):
    client.force_login(coordinator)
    html = client.get(report_url(organization)).text
    assert 'name="start" value="2025-03-01"' in html
    assert 'name="end" value="2026-03-02"' in html
    assert "0 hours from March 1, 2025 to March 2, 2026" in html
    html = client.get(report_url(organization), {"start": "2026-01-10"}).text
    assert 'name="start" value="2026-01-10"' in html
    assert 'name="end" value="2026-03-02"' in html


def test_the_report_can_be_limited_to_some_days(client, coordinator, organization, history):
    client.force_login(coordinator)
    html = client.get(report_url(organization), {"start": "2026-02-01", "end": "2026-02-28"}).text
    assert "January 2026" not in html
    assert "7 hours from" in html


def test_bad_dates_are_explained_and_kept(client, coordinator, organization):
    client.force_login(coordinator)
    response = client.get(report_url(organization), {"start": "soon", "end": "2026-01-01"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.text
    assert 'value="soon"' in response.text


@pytest.mark.parametrize("params", [{"end": "0001-01-01"}, {"end": "9999-12-31"}])
def test_a_day_at_an_end_of_the_calendar_is_explained_and_the_last_year_shown(
    client, coordinator, organization, history, params
):
    client.force_login(coordinator)
    response = client.get(report_url(organization), params)
    assert response.status_code == 200
    assert "Pick a day from Jan. 1, 2000 to Dec. 31, 2099." in response.text
    assert f'value="{params["end"]}"' in response.text
    assert "11 hours from" in response.text
    export = client.get(report_url(organization), {**params, "format": "csv"})
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert ["Val Volunteer", "volunteer@example.test", "2026-01", "1", "4.00"] in rows


def test_the_report_exports_to_csv(client, coordinator, organization, history):
    client.force_login(coordinator)
    response = client.get(report_url(organization), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Volunteer", "Email", "Month", "Shifts", "Hours"]
    assert ["Gina Guest", "gina@example.test", "2026-02", "1", "2.00"] in rows
    assert ["Val Volunteer", "volunteer@example.test", "2026-01", "1", "4.00"] in rows


def test_the_report_exports_to_xlsx(client, coordinator, organization, history):
    client.force_login(coordinator)
    response = client.get(report_url(organization), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Volunteer", "Email", "Month", "Shifts", "Hours")
    assert ("Val Volunteer", "volunteer@example.test", "2026-02", 2, 5) in rows


def test_hours_stay_in_the_report_after_the_volunteer_deletes_their_account(
    client, coordinator, organization, history, volunteer
):
    client.force_login(volunteer)
    client.post(reverse("core:account_delete"), {"password": PASSWORD})
    client.force_login(coordinator)
    html = client.get(report_url(organization)).text
    assert "Val Volunteer" not in html
    assert "volunteer@example.test" not in html
    assert row("Deleted account", "—", "February 2026", 2, 5) in html
    assert "11 hours from" in html


def test_a_formula_typed_as_a_name_is_not_run_by_the_spreadsheet(client, coordinator, organization):
    make_signup(
        make_shift(organization, start=at(-3, 9)), make_user("x@example.test", "=HYPERLINK(1)")
    )
    client.force_login(coordinator)
    rows = list(
        csv.reader(
            io.StringIO(client.get(report_url(organization), {"format": "csv"}).content.decode())
        )
    )
    assert rows[1][0] == "'=HYPERLINK(1)"
