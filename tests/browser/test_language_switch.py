import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def language_button(page, name):
    return page.get_by_role("button", name=name, exact=True)


def switch_language(page, button_name):
    with page.expect_navigation():
        language_button(page, button_name).click()


@pytest.fixture
def spanish_page(page):
    """The directory, switched to Spanish with the header's button."""
    page.goto("/organizations/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch_language(page, "Español")
    return page


def test_clicking_espanol_switches_the_page_to_spanish(spanish_page, live_server):
    expect(spanish_page.locator("html")).to_have_attribute("lang", "es")
    expect(spanish_page).to_have_url(f"{live_server.url}/es/organizations/")
    expect(language_button(spanish_page, "English")).to_be_visible()
    expect(language_button(spanish_page, "Español")).to_have_count(0)


def test_clicking_english_switches_a_spanish_page_back_to_english(spanish_page, live_server):
    switch_language(spanish_page, "English")

    assert spanish_page.url == f"{live_server.url}/organizations/"
    expect(spanish_page.locator("html")).to_have_attribute("lang", "en")
    expect(language_button(spanish_page, "Español")).to_be_visible()


def test_switching_to_spanish_keeps_the_directory_filter(page):
    page.goto("/organizations/?q=harbor")

    switch_language(page, "Español")

    expect(page).to_have_url(re.compile(r"/es/organizations/\?q=harbor$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
