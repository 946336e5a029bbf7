import re
from contextlib import suppress

import pytest
from playwright.sync_api import Error, expect

from core.models import Organization
from tests.conftest import PASSWORD, make_user

from .conftest import NEUTRAL_SITE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organization_page(page):
    """A fresh page whose only history entry is a Hearth organization page."""
    Organization.objects.create(
        name="Harbor House", slug="harbor-house", summary="Shelter.", is_published=True
    )
    page.goto("/organizations/harbor-house/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbor House")
    return page


def assert_left_hearth_for_good(page, live_server):
    """The neutral site shows, and Back cannot bring Hearth back: its entry was replaced."""
    page.wait_for_url(NEUTRAL_SITE)
    expect(page).to_have_title("Weather")
    page.go_back()
    # Back lands on the browser's blank start page, before Hearth was ever opened.
    assert not page.url.startswith(live_server.url), page.url
    expect(page.locator("body")).not_to_contain_text("Hearth")


def test_quick_exit_button_replaces_the_page_and_back_does_not_return(
    organization_page, live_server
):
    organization_page.get_by_role("link", name="Quick exit").click()
    assert_left_hearth_for_good(organization_page, live_server)


def test_esc_on_the_page_body_replaces_the_page_and_back_does_not_return(
    organization_page, live_server
):
    assert organization_page.evaluate("document.activeElement === document.body")
    organization_page.keyboard.press("Escape")
    assert_left_hearth_for_good(organization_page, live_server)


def test_esc_in_the_directory_search_box_replaces_the_page_and_back_does_not_return(
    page, live_server
):
    page.goto("/organizations/?q=harbor")
    search = page.get_by_role("searchbox", name="Search by name")
    search.focus()
    search.press("Escape")
    assert_left_hearth_for_good(page, live_server)


def test_esc_after_searching_the_directory_leaves_no_hearth_page_to_go_back_to(page, live_server):
    page.goto("/organizations/")
    search = page.get_by_role("searchbox", name="Search by name")
    search.fill("harbor")
    expect(page).to_have_url(re.compile(r"/organizations/\?q=harbor"))
    search.press("Escape")
    assert_left_hearth_for_good(page, live_server)


def test_quick_exit_opens_the_neutral_site_in_a_new_tab_with_no_way_back(
    organization_page, live_server
):
    with organization_page.context.expect_page() as opened:
        organization_page.get_by_role("link", name="Quick exit").click()
    tab = opened.value
    tab.wait_for_url(NEUTRAL_SITE)
    expect(tab).to_have_title("Weather")
    assert tab.evaluate("history.length") == 1
    assert tab.evaluate("window.opener") is None  # nothing links it back to Hearth
    assert_left_hearth_for_good(organization_page, live_server)


def test_esc_does_not_try_a_new_tab_that_the_pop_up_blocker_would_stop(page, live_server):
    """Browsers block a tab opened from Esc, and may show that they did: Esc only replaces
    the page. window.open is watched through the console, which outlives the page."""
    tried = []
    page.on("console", lambda message: tried.append(message.text))
    page.add_init_script(
        "window.open = function (url) { console.log('window.open ' + url); return null; };"
    )
    page.goto("/about/")
    page.keyboard.press("Escape")
    assert_left_hearth_for_good(page, live_server)
    assert not [text for text in tried if text.startswith("window.open")]
    assert page.context.pages == [page]


@pytest.fixture
def staff_tab(page):
    """A fresh tab of a staff member logged in to the admin through its own form."""
    make_user("staff@example.test", is_staff=True, is_superuser=True)
    page.goto("/admin/login/")
    page.get_by_label("Email").fill("staff@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    tab = page.context.new_page()
    page.close()
    return tab


def test_the_staff_admin_leaves_by_its_quick_exit_too(staff_tab, live_server):
    staff_tab.goto("/admin/")
    expect(staff_tab.get_by_role("link", name="Call 911")).to_be_visible()
    with staff_tab.context.expect_page() as opened:
        staff_tab.get_by_role("link", name="Quick exit").click()
    opened.value.wait_for_url(NEUTRAL_SITE)
    assert_left_hearth_for_good(staff_tab, live_server)


def test_esc_in_an_admin_form_leaves_the_admin(staff_tab, live_server):
    staff_tab.goto("/admin/volunteers/shift/add/")
    title = staff_tab.get_by_label("Title")
    title.fill("Half typed")
    title.press("Escape")
    assert_left_hearth_for_good(staff_tab, live_server)


@pytest.mark.parametrize(
    ("opener", "picker"), [("Choose a Date", ".calendarbox"), ("Choose a Time", ".clockbox")]
)
def test_esc_in_an_admin_date_or_time_picker_leaves_the_admin(
    staff_tab, live_server, opener, picker
):
    """The admin's pickers close on Esc themselves; Esc still leaves, from inside one."""
    staff_tab.goto("/admin/volunteers/shift/add/")
    staff_tab.get_by_role("button", name=opener).first.click()
    box = staff_tab.locator(picker).first
    expect(box).to_be_visible()
    box.locator("a").last.focus()
    staff_tab.keyboard.press("Escape")
    assert_left_hearth_for_good(staff_tab, live_server)


ON_TOP = """() => {
  const box = document.activeElement.getBoundingClientRect();
  const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return document.activeElement.contains(top);
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_admin_keeps_its_quick_exit_in_view_and_its_skip_link_uncovered(staff_tab, width):
    staff_tab.set_viewport_size({"width": width, "height": 700})
    staff_tab.goto("/admin/volunteers/shift/add/")
    staff_tab.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert staff_tab.evaluate("window.scrollY") > 700, "the page is too short to prove anything"
    quick_exit = staff_tab.locator("#quick-exit").bounding_box()
    assert 0 <= quick_exit["y"] < 100, quick_exit
    staff_tab.goto("/admin/")  # the add page puts the focus in its first field
    staff_tab.keyboard.press("Tab")
    expect(staff_tab.locator(".skip-to-content-link")).to_be_focused()
    assert staff_tab.evaluate(ON_TOP), "the quick exit or help lines cover the skip link"


def test_esc_in_an_admin_pop_up_leaves_the_pop_up_and_the_admin_behind_it(staff_tab, live_server):
    staff_tab.goto("/admin/volunteers/shift/add/")
    with staff_tab.expect_popup() as opened:
        staff_tab.locator("#add_id_organization").click()
    pop_up = opened.value
    pop_up.wait_for_load_state()
    expect(pop_up.get_by_role("link", name="Call 911")).to_be_visible()
    pop_up.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert pop_up.evaluate("window.scrollY") > 0, "the pop-up is too short to prove anything"
    expect(pop_up.get_by_role("link", name="Quick exit")).to_be_in_viewport()
    pop_up.locator("#id_name").fill("Half typed")
    with pop_up.expect_event("close"), suppress(Error):
        pop_up.keyboard.press("Escape")  # the pop-up may close before the key comes up
    assert_left_hearth_for_good(staff_tab, live_server)


def test_esc_in_a_pop_up_opened_from_a_pop_up_leaves_every_admin_window(staff_tab, live_server):
    staff_tab.goto("/admin/volunteers/shift/add/")
    with staff_tab.expect_popup() as opened:
        staff_tab.locator("#add_id_organization").click()
    organization = opened.value
    organization.wait_for_load_state()  # the admin's scripts, and the page's own, are in
    organization.get_by_text("Add another Membership").click()
    with organization.expect_popup() as opened:
        organization.locator("#add_id_memberships-0-user").click()
    user = opened.value
    user.wait_for_load_state()
    expect(user.get_by_role("link", name="Quick exit")).to_be_visible()
    with user.expect_event("close"), suppress(Error):
        user.keyboard.press("Escape")
    organization.wait_for_url(NEUTRAL_SITE)
    assert_left_hearth_for_good(staff_tab, live_server)


def test_the_admins_quick_exit_looks_like_the_sites(staff_tab):
    staff_tab.goto("/admin/")
    underline = "getComputedStyle(document.getElementById('quick-exit')).textDecorationLine"
    assert staff_tab.evaluate(underline) == "none"
    staff_tab.goto("/about/")
    assert staff_tab.evaluate(underline) == "none"
