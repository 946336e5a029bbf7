"""axe-core finds no violation on any page, in English and in Spanish, and no page
loads anything from another host (conftest's `new_context` records every attempt)."""

import pytest

from .conftest import assert_accessible, assert_no_external_requests, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"en": "", "es": "/es"}
ORGANIZATION = "veronicas-voice"
COORDINATOR = f"coordinator@{ORGANIZATION}.demo"

PUBLIC_PAGES = {
    "home": "/",
    "directory": "/organizations/",
    "organization": f"/organizations/{ORGANIZATION}/",
    "get help": "/get-help/",
    "recognize the signs": "/recognize-the-signs/",
    "about": "/about/",
    "shifts": "/shifts/",
    "needs": "/needs/",
    "give money": "/give-money/",
    "log in": "/accounts/login/",
    "sign up": "/accounts/signup/",
    "password reset": "/accounts/password/reset/",
    "not found": "/organizations/no-such-org/",
}
COORDINATOR_PAGES = {
    "profile": "/me/",
    "organization edit": f"/manage/{ORGANIZATION}/",
}


def visit(page, path, expected_status=200):
    response = page.goto(path)
    assert response.status == expected_status, f"{path} answered {response.status}"


@pytest.mark.parametrize("prefix", LANGUAGES.values(), ids=LANGUAGES.keys())
@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_public_page_is_accessible_and_self_contained(
    page, external_requests, demo_data, path, prefix
):
    expected_status = 404 if path == PUBLIC_PAGES["not found"] else 200
    visit(page, f"{prefix}{path}", expected_status)
    assert_accessible(page)
    assert_no_external_requests(external_requests)


@pytest.mark.parametrize("prefix", LANGUAGES.values(), ids=LANGUAGES.keys())
@pytest.mark.parametrize("path", COORDINATOR_PAGES.values(), ids=COORDINATOR_PAGES.keys())
def test_coordinator_page_is_accessible_and_self_contained(
    page, external_requests, demo_data, path, prefix
):
    log_in(page, COORDINATOR, language_prefix=prefix)
    visit(page, f"{prefix}{path}")
    assert_accessible(page)
    assert_no_external_requests(external_requests)


def test_home_page_on_a_phone_is_accessible_and_self_contained(
    new_context, external_requests, demo_data
):
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    visit(page, "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "page scrolls sideways"
    assert_accessible(page)
    assert_no_external_requests(external_requests)
