import re

import pytest
from playwright.sync_api import expect

from core.models import Organization, OrganizationService

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORGANIZATIONS = {
    "Harbor House": ["housing", "counseling"],
    "Haven Home": ["housing"],
    "Hope Kitchen": ["meals"],
    "Legal Lifeline": ["legal"],
}


@pytest.fixture
def directory():
    for name, services in ORGANIZATIONS.items():
        organization = Organization.objects.create(
            name=name,
            slug=name.lower().replace(" ", "-"),
            summary=f"{name} serves survivors in Kansas City.",
            is_published=True,
        )
        OrganizationService.objects.bulk_create(
            OrganizationService(organization=organization, service=service) for service in services
        )


@pytest.fixture
def directory_page(page, directory):
    page.goto("/organizations/")
    expect(page.locator(".result-count")).to_have_text("4 organizations")
    # Survives only if the filter swaps results instead of loading a new page.
    page.evaluate("window.__marker = 1")
    return page


def assert_still_the_same_page(page):
    assert page.evaluate("window.__marker === 1"), "the filter reloaded the whole page"


def test_typing_in_the_search_box_narrows_the_list_without_a_page_load(directory_page):
    directory_page.get_by_role("searchbox", name="Search by name").fill("harbor")

    expect(directory_page.locator(".result-count")).to_have_text("1 organization")
    expect(directory_page).to_have_url(re.compile(r"/organizations/\?(.*&)?q=harbor"))
    expect(directory_page.locator("#results")).to_contain_text("Harbor House")
    expect(directory_page.locator("#results")).not_to_contain_text("Haven Home")
    assert_still_the_same_page(directory_page)


def test_choosing_a_service_narrows_the_list_without_a_page_load(directory_page):
    directory_page.get_by_role("combobox", name="Service").select_option("housing")

    expect(directory_page.locator(".result-count")).to_have_text("2 organizations")
    expect(directory_page).to_have_url(re.compile(r"/organizations/\?(.*&)?service=housing"))
    results = directory_page.locator("#results")
    expect(results).to_contain_text("Harbor House")
    expect(results).to_contain_text("Haven Home")
    expect(results).not_to_contain_text("Hope Kitchen")
    expect(results).not_to_contain_text("Legal Lifeline")
    assert_still_the_same_page(directory_page)


def test_the_filter_works_with_javascript_off_by_submitting_the_form(new_context, directory):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/organizations/")
    page.get_by_role("searchbox", name="Search by name").fill("harbor")
    page.get_by_role("combobox", name="Service").select_option("housing")

    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"/organizations/\?q=harbor&service=housing$"))
    expect(page.locator(".result-count")).to_have_text("1 organization")
    results = page.locator("#results")
    expect(results).to_contain_text("Harbor House")
    expect(results).not_to_contain_text("Haven Home")
