"""Shift spreadsheets in a real browser: from the shifts page to the import, a preview that
lists each line's errors, then a clean import; and axe-core on the new pages."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from volunteers.models import Shift

from .conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORGANIZATION = "rended-heart"
COORDINATOR = f"coordinator@{ORGANIZATION}.demo"
IMPORT_PAGE = reverse("volunteers:shift_import", args=[ORGANIZATION])
SHIFTS_PAGE = reverse("volunteers:manage_shifts", args=[ORGANIZATION])
HEADER = "kind,title,date,start_time,end_time,place,capacity,meal_role,destination\n"


def day(days):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def bad_csv():
    return (
        HEADER
        + f"meal,Soup kitchen helpers,{day(8)},17:00,19:00,Fellowship hall,4,serve,\n"
        + f"meal,Sandwich packing,{day(-3)},10:00,12:00,Fellowship hall,5,serve,\n"
        + f"transport,Ride to the SSA office,{day(9)},09:00,08:00,Midtown,1,,\n"
    )


def good_csv():
    return (
        HEADER
        + f"meal,Soup kitchen helpers,{day(8)},17:00,19:00,Fellowship hall,4,serve,\n"
        + f"meal,Sandwich packing,{day(10)},10:00,12:00,Fellowship hall,5,serve,\n"
        + f"transport,Ride to the SSA office,{day(9)},09:00,11:00,Midtown,1,,id_office\n"
    )


def upload(page, name, content):
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Check the file").click()


def test_an_import_shows_each_lines_errors_then_a_clean_file_imports(page, demo_data):
    log_in(page, COORDINATOR)
    page.goto(SHIFTS_PAGE)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Import shifts from a spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Shift spreadsheets")
    assert_accessible(page)

    upload(page, "shifts.csv", bad_csv())
    expect(page.get_by_role("alert")).to_contain_text("2 lines have errors")
    table = page.locator(".preview-table")
    packing = table.locator("tr", has_text="Sandwich packing")
    expect(packing).to_contain_text("is in the past")
    expect(packing.locator("th")).to_have_text("3")
    ride = table.locator("tr", has_text="Ride to the SSA office")
    expect(ride).to_contain_text("end_time: 08:00 is not after the start, 09:00.")
    expect(ride).to_contain_text("destination: Choose where the ride goes")
    expect(ride.locator("th")).to_have_text("4")
    expect(table.locator("tr", has_text="Soup kitchen helpers")).to_contain_text("New")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    assert_accessible(page)
    assert not Shift.objects.filter(title="Soup kitchen helpers").exists()

    upload(page, "shifts.csv", good_csv())
    expect(page.get_by_role("status").filter(has_text="valid")).to_contain_text(
        "All 3 lines are valid"
    )
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Import 3 lines").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Shifts of")
    expect(page.locator("#messages")).to_contain_text("Imported 3 lines.")
    imported = Shift.objects.filter(
        organization__slug=ORGANIZATION,
        title__in=[
            "Soup kitchen helpers",
            "Sandwich packing",
            "Ride to the SSA office",
        ],
    )
    assert imported.count() == 3
    ride = imported.get(kind=Shift.Kind.TRANSPORT)
    assert timezone.localtime(ride.start).strftime("%H:%M") == "09:00"
    assert ride.requires_driver


@pytest.mark.parametrize("prefix", ["", "/es"], ids=["en", "es"])
def test_the_shift_spreadsheet_pages_are_accessible(page, demo_data, prefix):
    log_in(page, COORDINATOR, language_prefix=prefix)
    for path in [SHIFTS_PAGE, IMPORT_PAGE]:
        response = page.goto(f"{prefix}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        assert_accessible(page)
    # The column guide, opened.
    page.locator("details summary").click()
    expect(page.locator("details dl")).to_be_visible()
    assert_accessible(page)
