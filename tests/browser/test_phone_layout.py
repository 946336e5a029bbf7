"""On a phone (390 px wide): wide tables scroll in their own box instead of the page, faded
at the edges they scroll on to; the button variants keep their own colours; the email
page's radio buttons sit beside their addresses; and only the quick exit stays over the
page."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SMALL_PHONE = {"viewport": {"width": 320, "height": 568}, "is_mobile": True, "has_touch": True}

# In the demo data both pages have rows with an email address, wider than a phone.
TABLE_PAGES = {
    "hours report": ("justice-project-kc", "/shifts/manage/justice-project-kc/hours/"),
    "donations": ("rended-heart", "/needs/manage/rended-heart/donations/"),
}

BACKGROUND = "element => getComputedStyle(element).backgroundColor"
WIDEST = "boxes => boxes.reduce((w, b, i) => b.scrollWidth > boxes[w].scrollWidth ? i : w, 0)"
# Where the first line of an inline element is drawn.
FIRST_LINE = "element => element.getClientRects()[0].toJSON()"


@pytest.fixture
def phone(new_context):
    return new_context(**PHONE).new_page()


@pytest.mark.parametrize(("organization", "path"), TABLE_PAGES.values(), ids=TABLE_PAGES.keys())
def test_a_coordinators_wide_table_scrolls_in_its_box_not_the_page(
    phone, demo_data, organization, path
):
    log_in(phone, f"coordinator@{organization}.demo")
    phone.goto(path)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "page scrolls sideways"
    boxes = phone.locator(".table-scroll")
    assert boxes.count() >= 1
    assert phone.locator("table").count() == phone.locator(".table-scroll table").count()
    widest = max(boxes.evaluate_all("boxes => boxes.map(b => b.scrollWidth - b.clientWidth)"))
    assert widest > 0, "no table is wider than the phone: this test no longer proves anything"
    # The widest box fades at the edge it can scroll on to, and follows as it scrolls.
    box = boxes.nth(boxes.evaluate_all(WIDEST))
    box.scroll_into_view_if_needed()
    expect(box).to_have_class(re.compile(r"table-scroll--more-right"))
    expect(box).not_to_have_class(re.compile(r"table-scroll--more-left"))
    box.evaluate("box => box.scrollBy(40, 0)")
    expect(box).to_have_class(re.compile(r"--more-left.*--more-right|--more-right.*--more-left"))
    box.evaluate("box => box.scrollTo(box.scrollWidth, 0)")
    expect(box).not_to_have_class(re.compile(r"table-scroll--more-right"))
    assert "linear-gradient" in box.evaluate("box => getComputedStyle(box).maskImage")
    box.focus()  # the focus outline is not faded
    assert box.evaluate("box => getComputedStyle(box).maskImage") == "none"


def test_a_link_focused_in_a_wide_table_is_not_faded(phone, demo_data):
    log_in(phone, "coordinator@rended-heart.demo")
    phone.goto(TABLE_PAGES["donations"][1])
    box = phone.locator(".table-scroll").filter(has=phone.locator("a[href^='mailto:']")).first
    link = box.locator("a[href^='mailto:']").first
    expect(box).to_have_class(re.compile(r"table-scroll--more-right"))
    assert "linear-gradient" in box.evaluate("box => getComputedStyle(box).maskImage")
    link.focus()
    assert box.evaluate("box => getComputedStyle(box).maskImage") == "none"
    assert_accessible(phone)  # the scrolling box can be reached and scrolled from the keyboard


def test_secondary_and_danger_buttons_are_not_drawn_in_the_primary_colour(phone, demo_data):
    log_in(phone, "coordinator@justice-project-kc.demo")
    phone.goto("/needs/manage/justice-project-kc/")
    primary = phone.locator("button.button:not(.button--secondary):not(.button--danger)").first
    brand = primary.evaluate(BACKGROUND)
    secondary = phone.locator("button.button--secondary").first.evaluate(BACKGROUND)
    phone.goto("/me/delete/")
    danger = phone.get_by_role("button", name="Delete my account for good").evaluate(BACKGROUND)
    assert brand == "rgb(138, 44, 13)"
    assert secondary == "rgb(255, 255, 255)"
    assert danger not in (brand, secondary)


def test_each_email_address_has_its_radio_button_on_its_line_with_its_status(phone, demo_data):
    log_in(phone, "volunteer@hearth.demo")
    phone.goto("/accounts/email/")
    phone.get_by_label("Email").fill("val.at.work@example.test")
    phone.get_by_role("button", name="Add email").click()
    radios = phone.locator("input[type=radio][name=email]")
    expect(radios).to_have_count(2)
    for address, statuses in [
        ("volunteer@hearth.demo", ["Verified", "Primary"]),
        ("val.at.work@example.test", ["Unverified"]),
    ]:
        label = phone.locator("label", has_text=address)
        radio = phone.get_by_role("radio", name=address)
        expect(label.locator(".badge")).to_have_text(statuses)
        box = radio.bounding_box()
        first_line = label.evaluate(FIRST_LINE)
        middle = box["y"] + box["height"] / 2
        assert box["x"] + box["width"] <= first_line["x"], "the radio button comes first"
        assert first_line["y"] <= middle <= first_line["bottom"], "beside the address"
    assert_accessible(phone)


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_on_a_small_phone_only_the_quick_exit_stays_over_the_page(new_context, prefix):
    page = new_context(**SMALL_PHONE).new_page()
    page.goto(f"{prefix}/about/")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    quick_exit = page.locator("#quick-exit").bounding_box()
    assert quick_exit["y"] == 0 and quick_exit["height"] >= 44, quick_exit
    bar = page.locator(".safety-bar").bounding_box()
    assert bar["y"] + bar["height"] <= 0, "the help lines should scroll away"
    # Skipping to the content brings it into view below the quick exit, not under it.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'main'")
    assert page.locator("main h1").bounding_box()["y"] >= quick_exit["height"]
