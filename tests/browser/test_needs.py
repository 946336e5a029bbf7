"""Needs and pledges in a real browser: pledging logged in and as a guest, receiving
with htmx, importing a spreadsheet, and axe-core on every needs page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from needs.models import Need, Pledge

from .conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DONOR = "donor@hearth.demo"
ORGANIZATION = "rended-heart"
COORDINATOR = f"coordinator@{ORGANIZATION}.demo"


def need_url(organization, title):
    return Need.objects.get(organization__slug=organization, title=title).get_absolute_url()


def remember_page(page):
    """Survives only if what follows swaps part of the page instead of loading a new one."""
    page.evaluate("window.__marker = 1")


def assert_still_the_same_page(page):
    assert page.evaluate("window.__marker === 1"), "the page was reloaded"


def test_a_logged_in_donor_pledges_in_one_step(page, demo_data):
    log_in(page, DONOR)
    page.goto(need_url("veronicas-voice", "Twin bedding sets"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Twin bedding sets")
    assert_accessible(page)
    page.get_by_label("How many?").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Pledge").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your pledge")
    expect(page.locator("#messages")).to_contain_text("Thank you! Your pledge is recorded")
    expect(page.locator(".facts").first).to_contain_text("Pledged")
    assert_accessible(page)
    need = Need.objects.get(organization__slug="veronicas-voice", title="Twin bedding sets")
    assert need.quantity_pledged == 2
    assert mail.outbox[-1].to == [DONOR]


def test_a_guest_pledges_and_confirms_by_the_emailed_link(page, demo_data):
    page.goto(need_url("justice-project-kc", "Reusable grocery bags"))
    page.get_by_label("How many?").fill("4")
    page.get_by_label("Your name").fill("Gail Guest")
    page.get_by_label("Your email").fill("gail@example.test")
    with page.expect_navigation():
        page.get_by_role("button", name="Pledge").click()
    expect(page.locator("#messages")).to_contain_text("we emailed a confirmation link")
    assert Pledge.objects.get(email="gail@example.test").status == Pledge.Status.PENDING

    (email,) = [message for message in mail.outbox if message.to == ["gail@example.test"]]
    link = re.search(r"http://[^/]+(/needs/pledges/\S+/)", email.body).group(1)
    page.goto(link)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm my pledge").click()
    expect(page.locator("#messages")).to_contain_text("Your pledge is confirmed")
    expect(page.get_by_role("heading", name="Where and when")).to_be_visible()
    assert_accessible(page)
    assert Pledge.objects.get(email="gail@example.test").status == Pledge.Status.CONFIRMED


def test_the_coordinator_marks_a_pledge_received_and_the_progress_bar_moves(page, demo_data):
    need = Need.objects.get(organization__slug=ORGANIZATION, title="Bus passes")
    received_before = need.quantity_received
    log_in(page, COORDINATOR)
    page.goto(f"/needs/manage/{ORGANIZATION}/receive/")
    assert_accessible(page)
    group = page.locator(f"#receive-need-{need.pk}")
    received = group.locator("progress.need-progress__received")
    expect(received).to_have_attribute("value", str(received_before))
    remember_page(page)

    group.get_by_label("Units received").fill("2")
    group.get_by_role("button", name=re.compile("Mark received")).click()

    expect(received).to_have_attribute("value", str(received_before + 2))
    expect(page.locator("#messages")).to_contain_text("Received 2 of “Bus passes”")
    assert_still_the_same_page(page)
    assert_accessible(page)
    need.refresh_from_db()
    assert need.quantity_received == received_before + 2


def test_filtering_the_needs_list_swaps_the_results_and_keeps_a_shareable_url(page, demo_data):
    page.goto("/needs/")
    remember_page(page)
    page.get_by_role("combobox", name="Category").select_option("baby")
    expect(page).to_have_url(re.compile(r"/needs/\?(.*&)?category=baby"))
    results = page.locator("#results")
    expect(results).to_contain_text("Diapers, size 4")
    expect(results).not_to_contain_text("Bus passes")
    assert_still_the_same_page(page)
    page.get_by_role("searchbox", name="Search").fill("wipes")
    expect(results).not_to_contain_text("Diapers")
    expect(results).to_contain_text("Baby wipes")


def test_a_quick_action_updates_the_need_in_place(page, demo_data):
    need = Need.objects.get(organization__slug=ORGANIZATION, title="Pillows")
    log_in(page, COORDINATOR)
    page.goto(f"/needs/manage/{ORGANIZATION}/")
    remember_page(page)
    row = page.locator(f"#need-{need.pk}")
    row.get_by_role("button", name=re.compile("^Pause")).click()
    expect(row).to_contain_text("Paused")
    expect(row.get_by_role("button", name=re.compile("^Resume"))).to_be_visible()
    assert_still_the_same_page(page)
    need.refresh_from_db()
    assert need.status == Need.Status.PAUSED


BAD_CSV = (
    "title,category,quantity_needed,unit\n"
    "Shower caddies,household,12,caddies\n"
    "Flip-flops,shoes,20,pairs\n"
    "Lip balm,hygiene,-5,tubes\n"
)
GOOD_CSV = (
    "title,category,quantity_needed,unit\n"
    "Shower caddies,household,12,caddies\n"
    "Flip-flops,clothing,20,pairs\n"
    "Lip balm,hygiene,50,tubes\n"
)


def upload(page, name, content):
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Check the file").click()


def test_an_import_shows_each_lines_errors_then_a_clean_file_imports(page, demo_data):
    log_in(page, COORDINATOR)
    page.goto(f"/needs/manage/{ORGANIZATION}/spreadsheets/")
    assert_accessible(page)
    upload(page, "needs.csv", BAD_CSV)

    expect(page.get_by_role("alert")).to_contain_text("2 lines have errors")
    table = page.locator(".preview-table")
    expect(table.locator("tr", has_text="Flip-flops")).to_contain_text("“shoes” is not one of")
    expect(table.locator("tr", has_text="Lip balm")).to_contain_text("Enter at least 1.")
    expect(table.locator("tr", has_text="Lip balm").locator("th")).to_have_text("4")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    assert_accessible(page)
    assert not Need.objects.filter(title="Shower caddies").exists()

    upload(page, "needs.csv", GOOD_CSV)
    expect(page.get_by_role("status").filter(has_text="valid")).to_contain_text(
        "All 3 lines are valid"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Import 3 lines").click()
    expect(page.locator("#messages")).to_contain_text("Imported 3 lines.")
    expect(page.locator("#need-list")).to_contain_text("Lip balm")
    assert Need.objects.filter(organization__slug=ORGANIZATION, title="Flip-flops").exists()


LANGUAGES = {"en": "", "es": "/es"}
COORDINATOR_PAGES = {
    "manage needs": f"/needs/manage/{ORGANIZATION}/",
    "receive": f"/needs/manage/{ORGANIZATION}/receive/",
    "drop-off": f"/needs/manage/{ORGANIZATION}/drop-off/",
    "spreadsheets": f"/needs/manage/{ORGANIZATION}/spreadsheets/",
    "import": f"/needs/manage/{ORGANIZATION}/spreadsheets/import/",
}


def visit(page, path):
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    page.wait_for_load_state("load")


@pytest.mark.parametrize("prefix", LANGUAGES.values(), ids=LANGUAGES.keys())
def test_public_needs_pages_are_accessible(page, demo_data, prefix):
    need = Need.objects.get(organization__slug=ORGANIZATION, title="Bus passes")
    pledge = Pledge.objects.filter(donor__email=DONOR).first()
    for path in [
        "/needs/",
        "/needs/?category=gift_cards&priority=urgent",
        need.get_absolute_url(),
        pledge.get_manage_url(),
        f"/organizations/{ORGANIZATION}/",
        "/",
    ]:
        visit(page, f"{prefix}{path}")
        assert_accessible(page)


@pytest.mark.parametrize("prefix", LANGUAGES.values(), ids=LANGUAGES.keys())
def test_donor_and_coordinator_needs_pages_are_accessible(new_context, demo_data, prefix):
    donor_page = new_context().new_page()
    log_in(donor_page, DONOR, language_prefix=prefix)
    visit(donor_page, f"{prefix}/needs/pledges/")
    assert_accessible(donor_page)

    page = new_context().new_page()
    log_in(page, COORDINATOR, language_prefix=prefix)
    need = Need.objects.get(organization__slug=ORGANIZATION, title="Bus passes")
    for path in [*COORDINATOR_PAGES.values(), f"/needs/manage/need/{need.pk}/edit/"]:
        visit(page, f"{prefix}{path}")
        assert_accessible(page)


def test_a_coordinators_pages_work_on_a_phone(new_context, demo_data):
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    log_in(page, COORDINATOR)
    for path in [COORDINATOR_PAGES["receive"], "/needs/"]:
        visit(page, path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert_accessible(page)
