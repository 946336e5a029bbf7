"""axe-core finds no violation on any page, in English and in Spanish, and no page
loads anything from another host (conftest's `new_context` records every attempt)."""

import pytest
from django.utils import timezone, translation

from core.views import bad_request, server_error
from volunteers.models import Shift

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
    "a button's address": "/shifts/1/sign-up/",
}
ERROR_STATUS = {PUBLIC_PAGES["not found"]: 404, PUBLIC_PAGES["a button's address"]: 405}
# "{shift}" stands for one of the organization's shifts from the demo data.
COORDINATOR_PAGES = {
    "profile": "/me/",
    "manage index": "/manage/",
    "organization edit": f"/manage/{ORGANIZATION}/",
    "shifts": f"/shifts/manage/{ORGANIZATION}/",
    "new shift": f"/shifts/manage/{ORGANIZATION}/new/",
    "shift import": f"/shifts/manage/{ORGANIZATION}/import/",
    "verifications": f"/shifts/manage/{ORGANIZATION}/verifications/",
    "hours report": f"/shifts/manage/{ORGANIZATION}/hours/",
    "roster": "/shifts/manage/shift/{shift}/",
    "shift edit": "/shifts/manage/shift/{shift}/edit/",
    "shift cancel": "/shifts/manage/shift/{shift}/cancel/",
    "needs": f"/needs/manage/{ORGANIZATION}/",
    "drop-off": f"/needs/manage/{ORGANIZATION}/drop-off/",
    "donations": f"/needs/manage/{ORGANIZATION}/donations/",
}
# The pages of a person's own account: a volunteer's, and a donor's.
ACCOUNT_PAGES = {
    "my shifts": ("volunteer@hearth.demo", "/shifts/mine/"),
    "my past shifts": ("volunteer@hearth.demo", "/shifts/mine/past/"),
    "my pledges": ("donor@hearth.demo", "/needs/pledges/"),
    "my gifts": ("donor@hearth.demo", "/needs/my-gifts/"),
    "delete my account": ("donor@hearth.demo", "/me/delete/"),
}


def visit(page, path, expected_status=200):
    response = page.goto(path)
    assert response.status == expected_status, f"{path} answered {response.status}"


@pytest.mark.parametrize("prefix", LANGUAGES.values(), ids=LANGUAGES.keys())
@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_public_page_is_accessible_and_self_contained(
    page, external_requests, demo_data, path, prefix
):
    visit(page, f"{prefix}{path}", ERROR_STATUS.get(path, 200))
    assert_accessible(page)
    assert_no_external_requests(external_requests)


@pytest.mark.parametrize("prefix", LANGUAGES.values(), ids=LANGUAGES.keys())
@pytest.mark.parametrize("path", COORDINATOR_PAGES.values(), ids=COORDINATOR_PAGES.keys())
def test_coordinator_page_is_accessible_and_self_contained(
    page, external_requests, demo_data, path, prefix
):
    log_in(page, COORDINATOR, language_prefix=prefix)
    shift = Shift.objects.filter(organization__slug=ORGANIZATION, start__gt=timezone.now())
    visit(page, prefix + path.format(shift=shift.earliest("start").pk))
    assert_accessible(page)
    assert_no_external_requests(external_requests)


@pytest.mark.parametrize("prefix", LANGUAGES.values(), ids=LANGUAGES.keys())
@pytest.mark.parametrize(("email", "path"), ACCOUNT_PAGES.values(), ids=ACCOUNT_PAGES.keys())
def test_a_persons_own_page_is_accessible_and_self_contained(
    page, external_requests, demo_data, email, path, prefix
):
    log_in(page, email, language_prefix=prefix)
    visit(page, f"{prefix}{path}")
    assert_accessible(page)
    assert_no_external_requests(external_requests)


# The 400 and 500 pages, drawn as Django draws them when the request or the database fails.
PLAIN_ERROR_PAGES = {"400": lambda: bad_request(None, None), "500": lambda: server_error(None)}


@pytest.mark.parametrize("language", LANGUAGES.keys())
@pytest.mark.parametrize("draw", PLAIN_ERROR_PAGES.values(), ids=PLAIN_ERROR_PAGES.keys())
def test_the_pages_drawn_without_the_database_are_accessible(
    page, external_requests, demo_data, draw, language
):
    visit(page, "/about/")  # the origin their stylesheet and script load from
    with translation.override(language):
        html = draw().content.decode()
    page.set_content(html, wait_until="load")
    assert page.evaluate("document.styleSheets[0].cssRules.length") > 0  # styled, as served
    assert page.locator("#quick-exit").is_visible()
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
