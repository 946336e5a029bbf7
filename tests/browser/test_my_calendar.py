"""The calendar address on My shifts: a button copies it and says so; where the clipboard
is out of reach the address is selected instead; with JavaScript off there is no button."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_user

from .conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
REFUSED_CLIPBOARD = """
navigator.clipboard.writeText = () => Promise.reject(new DOMException("No", "NotAllowedError"));
"""


@pytest.fixture
def volunteer(live_server):
    return make_user("ana@hearth.demo", "Ana")


def my_shifts(context):
    page = context.new_page()
    log_in(page, "ana@hearth.demo", password=PASSWORD)
    page.goto("/shifts/mine/")
    return page


def copied(page):
    return page.get_by_role("region", name="Your calendar").get_by_role("status")


def test_the_copy_button_copies_the_calendar_address_and_says_so(new_context, volunteer):
    context = new_context(**PHONE, permissions=["clipboard-read", "clipboard-write"])
    page = my_shifts(context)
    address = page.get_by_label("Calendar address").input_value()
    page.get_by_role("button", name="Copy address").click()
    expect(copied(page)).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == address
    assert_accessible(page)


def test_where_the_clipboard_is_refused_the_address_is_selected(new_context, volunteer):
    context = new_context()
    context.add_init_script(REFUSED_CLIPBOARD)
    page = my_shifts(context)
    field = page.get_by_label("Calendar address")
    page.get_by_role("button", name="Copy address").click()
    expect(field).to_be_focused()
    selection = field.evaluate("field => [field.selectionStart, field.selectionEnd]")
    assert selection == [0, len(field.input_value())]
    expect(copied(page)).to_be_empty()


def test_with_javascript_off_there_is_no_copy_button(new_context, volunteer):
    page = my_shifts(new_context(java_script_enabled=False))
    expect(page.get_by_label("Calendar address")).to_be_visible()
    expect(page.get_by_text("Copy address")).to_be_hidden()
