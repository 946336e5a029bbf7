"""The filters above the lists of shifts, needs and organizations: on a phone they fold
under a summary that counts the filters set, so the first result shows on the first
screen, and open from it (or by themselves when a filter is set); on a wide screen they
show as they always have. An error under one box moves neither the other boxes nor the
button."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_organization
from tests.needs.conftest import make_need
from tests.volunteers.conftest import make_ride, make_shift

from .conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def organization(live_server):
    organization = make_organization("Rended Heart", slug="rended-heart")
    make_shift(organization, title="Community dinner")
    make_ride(organization, title="Ride to a court date")
    make_need(organization, title="Diapers, size 4", category="baby")
    make_need(organization, title="Bus passes", category="gift_cards")
    make_organization("Justice Project KC", services=["legal"])
    return organization


@pytest.fixture
def phone(new_context):
    return new_context(**PHONE).new_page()


def on_first_screen(page, locator):
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= page.viewport_size["height"]


def test_on_a_phone_the_first_shift_shows_on_the_first_screen(phone, organization):
    phone.goto("/shifts/")
    expect(phone.get_by_label("Kind")).to_be_hidden()
    assert on_first_screen(phone, phone.locator("#results .card__title").first)
    assert_accessible(phone)


def test_on_a_phone_the_shift_filters_open_from_their_summary_and_still_filter(phone, organization):
    phone.goto("/shifts/")
    summary = phone.locator("summary", has_text="Filter shifts")
    summary.focus()
    phone.keyboard.press("Enter")
    kind = phone.get_by_label("Kind")
    expect(kind).to_be_visible()
    assert_accessible(phone)
    kind.select_option("transport")
    expect(phone.locator(".result-count")).to_have_text("1 shift")
    expect(phone).to_have_url(re.compile(r"/shifts/\?(.*&)?kind=transport"))
    expect(phone.locator("#results")).not_to_contain_text("Community dinner")
    expect(kind).to_be_visible()


def test_on_a_phone_a_list_with_a_filter_set_shows_its_filters(phone, organization):
    phone.goto("/shifts/?kind=transport")
    expect(phone.get_by_label("Kind")).to_have_value("transport")
    expect(phone.get_by_label("Kind")).to_be_visible()
    phone.goto("/shifts/?page=1")
    expect(phone.get_by_label("Kind")).to_be_hidden()
    phone.goto("/needs/?category=baby")
    expect(phone.get_by_label("Category")).to_be_visible()


def test_on_a_phone_the_need_filters_open_from_their_summary_and_still_filter(phone, organization):
    phone.goto("/needs/")
    category = phone.get_by_label("Category")
    expect(category).to_be_hidden()
    assert on_first_screen(phone, phone.locator(".result-count"))
    phone.get_by_text("Filter needs").click()
    expect(category).to_be_visible()
    assert_accessible(phone)
    category.select_option("baby")
    expect(phone).to_have_url(re.compile(r"/needs/\?(.*&)?category=baby"))
    expect(phone.locator("#results")).to_contain_text("Diapers, size 4")
    expect(phone.locator("#results")).not_to_contain_text("Bus passes")


def test_on_a_phone_the_summary_counts_the_filters_set_as_they_change(phone, organization):
    phone.goto("/shifts/?kind=transport")
    summary = phone.locator("summary")
    expect(summary).to_have_text("Filter shifts (1 filter on)")
    phone.get_by_label("Only shifts with open spots").check()
    expect(summary).to_have_text("Filter shifts (2 filters on)")
    phone.get_by_label("Kind").select_option("")
    expect(summary).to_have_text("Filter shifts (1 filter on)")
    phone.get_by_label("Only shifts with open spots").uncheck()
    expect(summary).to_have_text("Filter shifts")
    expect(phone.locator("#results")).to_contain_text("Community dinner")
    summary.click()
    expect(phone.get_by_label("Kind")).to_be_hidden()
    assert_accessible(phone)


def test_on_a_phone_the_organization_filters_fold_and_still_filter(phone, organization):
    phone.goto("/organizations/")
    search = phone.get_by_label("Search by name")
    expect(search).to_be_hidden()
    phone.get_by_text("Filter organizations").click()
    search.fill("justice")
    expect(phone.locator("#results")).not_to_contain_text("Rended Heart")
    expect(phone.locator("#results")).to_contain_text("Justice Project KC")
    expect(phone.locator("summary")).to_have_text("Filter organizations (1 filter on)")
    assert_accessible(phone)
    phone.goto("/organizations/?service=legal")
    expect(phone.get_by_label("Service", exact=True)).to_be_visible()


@pytest.mark.parametrize(
    ("path", "summary", "field"),
    [
        ("/shifts/", "Filter shifts", "Kind"),
        ("/needs/", "Filter needs", "Category"),
        ("/organizations/", "Filter organizations", "Search by name"),
    ],
)
def test_on_a_wide_screen_the_filters_show_without_their_summary(
    page, organization, path, summary, field
):
    page.goto(path)
    expect(page.get_by_text(summary, exact=True)).to_be_hidden()
    expect(page.get_by_label(field)).to_be_visible()
    page.get_by_label(field).focus()
    expect(page.get_by_label(field)).to_be_focused()
    assert_accessible(page)


TOPS = "elements => elements.map(element => Math.round(element.getBoundingClientRect().top))"


@pytest.mark.parametrize("width", [1280, 390])
def test_an_error_under_one_date_box_moves_no_other_box(new_context, organization, width):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto("/shifts/?start=2030-10-01&end=2030-09-01")
    expect(page.get_by_text("Pick a day on or after the first day.")).to_be_visible()
    tops = page.locator("form.filters select, form.filters input[type=date]").evaluate_all(TOPS)
    # All four on one line on a wide screen; on a phone each on its own.
    assert len(set(tops)) == (1 if width > 1000 else 4), tops


@pytest.mark.parametrize("width", [1280, 390])
def test_the_hours_reports_button_stays_level_with_the_boxes_when_one_has_an_error(
    new_context, demo_data, width
):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(page, "coordinator@justice-project-kc.demo")
    page.goto("/shifts/manage/justice-project-kc/hours/?start=2026-10-01&end=2026-09-01")
    expect(page.get_by_text("Pick a day on or after the first day.")).to_be_visible()
    until = page.get_by_label("Until").bounding_box()
    show = page.get_by_role("button", name="Show").bounding_box()
    assert abs(show["y"] + show["height"] / 2 - (until["y"] + until["height"] / 2)) < 3
    if width > 1000:
        assert page.get_by_label("From").bounding_box()["y"] == until["y"]
