import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from core.models import OrganizationLink
from needs.donations.models import Donation, Frequency
from needs.donations.services import covered_fee_cents
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import PASSWORD, make_organization, make_user
from tests.needs.donation_helpers import (
    connect,
    deliver,
    event,
    make_donation,
    session_object,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHECKOUT = "https://checkout.stripe.com/"


@pytest.fixture
def connected(transactional_db):
    return connect(make_organization("Rended Heart"))


def test_donor_goes_to_checkout_and_the_return_page_updates_after_the_webhook(
    new_context, connected, fake_stripe
):
    context = new_context()
    # Stripe's hosted page is the one outside page; here it answers locally.
    context.route(
        f"{CHECKOUT}**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Checkout</p>"),
    )
    page = context.new_page()
    page.goto(f"/needs/give/{connected.slug}/")
    assert_accessible(page)

    page.get_by_label("$25", exact=True).check()
    page.get_by_label("Monthly").check()
    page.get_by_label("Email for your receipt").fill("dana@example.test")
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url(f"{CHECKOUT}c/pay/cs_test_*")

    donation = Donation.objects.get()
    assert (donation.amount_cents, donation.frequency) == (2500, "monthly")
    assert fake_stripe.last("/v1/checkout/sessions").params["customer_email"] == "dana@example.test"

    page.goto(donation.get_return_url())
    expect(page.get_by_role("heading", name="Processing your gift…")).to_be_visible()
    assert_accessible(page)
    deliver(
        Client(),
        event(
            "checkout.session.completed",
            session_object(donation, subscription="sub_1", customer="cus_1", invoice="in_1"),
        ),
    )
    # htmx polls every two seconds and swaps in the thanks without a reload.
    page.evaluate("window.__stayed = true")
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible(timeout=10_000)
    assert page.evaluate("window.__stayed === true")
    assert_accessible(page)


def test_a_bad_amount_is_explained_in_the_browser(page, connected, fake_stripe):
    page.goto(f"/es/needs/give/{connected.slug}/")
    page.get_by_label("Otra cantidad", exact=True).check()
    page.get_by_label("Otra cantidad en dólares").fill("10.005")
    page.get_by_role("button", name="Continuar al pago seguro").click()
    error = "Use como máximo dos dígitos para los centavos"
    expect(page.locator("#id_custom_amount_error")).to_contain_text(error)
    expect(page.get_by_role("alert").get_by_role("link", name=error)).to_be_visible()
    expect(page.get_by_label("Otra cantidad en dólares")).to_have_value("10.005")
    assert fake_stripe.requests == []
    assert_accessible(page)


def test_a_bad_gift_shows_a_summary_that_leads_to_each_field(page, connected, fake_stripe):
    page.goto(f"/needs/give/{connected.slug}/")
    page.get_by_label("Other amount", exact=True).check()
    page.get_by_label("Other amount in US dollars").fill("abc")
    page.get_by_label("Email for your receipt").fill("dana@")
    page.get_by_role("button", name="Continue to secure payment").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="Please check the following")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter an amount in dollars, like 40 or 12.50.", "Enter a valid email address."]
    )
    assert_accessible(page)
    summary.get_by_role("link", name="Enter a valid email address.").click()
    expect(page.get_by_label("Email for your receipt")).to_be_focused()
    expect(page.get_by_label("Email for your receipt")).to_have_value("dana@")
    expect(page.get_by_label("Other amount in US dollars")).to_have_value("abc")
    assert fake_stripe.requests == []


def test_without_javascript_the_fee_is_offered_in_words_that_stay_true(
    new_context, connected, fake_stripe
):
    context = new_context(java_script_enabled=False)
    context.route(
        f"{CHECKOUT}**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Checkout</p>"),
    )
    page = context.new_page()
    page.goto(f"/needs/give/{connected.slug}/")
    page.get_by_label("$250", exact=True).check()
    page.get_by_label("Monthly").check()
    fee = page.get_by_label(
        "Add the card processing fee so the organization receives my whole gift"
    )
    fee.check()
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url(f"{CHECKOUT}c/pay/cs_test_*")
    sent = fake_stripe.last("/v1/checkout/sessions")
    assert sent.params["line_items[0][price_data][unit_amount]"] == str(
        25000 + covered_fee_cents(25000)
    )


def test_the_fee_offered_follows_the_amount_chosen(page, connected, settings):
    settings.STRIPE_FEE_PERCENT = 2.9
    settings.STRIPE_FEE_FIXED_CENTS = 30
    page.goto(f"/needs/give/{connected.slug}/")
    fee = page.locator("label[for=id_cover_fee]")
    expect(fee).to_have_text("Add $1.81 to cover card fees, so Rended Heart receives the full $50")

    page.get_by_label("$100", exact=True).check()
    expect(fee).to_have_text("Add $3.30 to cover card fees, so Rended Heart receives the full $100")
    page.get_by_label("Monthly").check()
    expect(fee).to_have_text(
        "Add $3.30 a month to cover card fees, so Rended Heart receives the full $100 each month"
    )
    # Typing an amount chooses "Other amount", so the fee follows what is typed.
    typed = page.get_by_label("Other amount in US dollars")
    typed.press_sequentially("12.50")
    expect(page.get_by_label("Other amount", exact=True)).to_be_checked()
    expect(fee).to_have_text(
        "Add $0.69 a month to cover card fees, so Rended Heart receives the full $12.50 each month"
    )
    expect(typed).to_be_focused()
    typed.fill("12.5x")
    expect(fee).to_have_text(
        "Add the card processing fee so the organization receives my whole gift"
    )
    page.get_by_label("$100", exact=True).check()
    expect(typed).to_have_value("")
    expect(fee).to_have_text(
        "Add $3.30 a month to cover card fees, so Rended Heart receives the full $100 each month"
    )
    page.get_by_role("checkbox", name=re.compile(r"^Add \$3\.30 a month")).check()
    assert_accessible(page)


def checkout_page(new_context, **options):
    """A page whose Stripe Checkout answers locally."""
    context = new_context(**options)
    context.route(
        f"{CHECKOUT}**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Checkout</p>"),
    )
    return context.new_page()


def charged(fake_stripe):
    return int(
        fake_stripe.last("/v1/checkout/sessions").params["line_items[0][price_data][unit_amount]"]
    )


def test_choosing_a_preset_after_typing_an_amount_empties_the_box_and_gives_the_preset(
    new_context, connected, fake_stripe, settings
):
    settings.STRIPE_FEE_PERCENT = 2.9
    settings.STRIPE_FEE_FIXED_CENTS = 30
    page = checkout_page(new_context)
    page.goto(f"/needs/give/{connected.slug}/")
    fee = page.locator("label[for=id_cover_fee]")
    page.get_by_label("Other amount", exact=True).check()
    typed = page.get_by_label("Other amount in US dollars")
    typed.fill("40")
    expect(fee).to_have_text("Add $1.51 to cover card fees, so Rended Heart receives the full $40")

    page.get_by_label("$25", exact=True).check()
    expect(typed).to_have_value("")
    expect(page.get_by_label("Other amount", exact=True)).not_to_be_checked()
    expect(fee).to_have_text("Add $1.06 to cover card fees, so Rended Heart receives the full $25")
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url(f"{CHECKOUT}c/pay/cs_test_*")
    assert charged(fake_stripe) == 2500


def test_typing_an_amount_chooses_other_amount_and_gives_what_is_typed(
    new_context, connected, fake_stripe
):
    page = checkout_page(new_context)
    page.goto(f"/needs/give/{connected.slug}/")
    expect(page.get_by_label("$50", exact=True)).to_be_checked()
    page.get_by_label("Other amount in US dollars").press_sequentially("40")
    expect(page.get_by_label("Other amount", exact=True)).to_be_checked()
    expect(page.get_by_label("$50", exact=True)).not_to_be_checked()
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url(f"{CHECKOUT}c/pay/cs_test_*")
    assert charged(fake_stripe) == 4000


def test_without_javascript_a_preset_and_a_typed_amount_are_asked_about_before_paying(
    new_context, connected, fake_stripe
):
    page = checkout_page(new_context, java_script_enabled=False)
    page.goto(f"/needs/give/{connected.slug}/")
    typed = page.get_by_label("Other amount in US dollars")
    typed.fill("40")  # $50, chosen from the start, is still chosen
    page.get_by_role("button", name="Continue to secure payment").click()
    error = "Choose “Other amount” to give the amount typed here, or empty this box to give $50."
    expect(page.locator("#id_custom_amount_error")).to_have_text(error)
    expect(typed).to_have_value("40")
    expect(page.get_by_label("$50", exact=True)).to_be_checked()
    assert fake_stripe.requests == []

    page.get_by_label("Other amount", exact=True).check()
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url(f"{CHECKOUT}c/pay/cs_test_*")
    assert charged(fake_stripe) == 4000


def test_when_stripe_cannot_start_the_payment_the_donor_can_retry_or_give_elsewhere(
    new_context, connected, fake_stripe
):
    connected.links.create(
        kind=OrganizationLink.Kind.DONATION,
        label="Give on our website",
        url="https://rended-heart.example/give",
    )
    page = checkout_page(new_context)
    page.goto(f"/needs/give/{connected.slug}/")
    page.get_by_label("$100", exact=True).check()
    for _try in range(3):  # the first try and the stripe library's two retries
        fake_stripe.fail_next(status=500, message="boom", kind="api_error")
    page.get_by_role("button", name="Continue to secure payment").click()

    failure = page.get_by_role("alert")
    expect(failure).to_be_focused()
    expect(failure).to_contain_text(
        "Stripe could not start the payment. Nothing was charged; please try again."
    )
    expect(failure).to_contain_text(
        "If it still does not work, Rended Heart also takes gifts here:"
    )
    elsewhere = failure.get_by_role("link", name="Give on our website (opens in a new tab)")
    expect(elsewhere).to_have_attribute("href", "https://rended-heart.example/give")
    assert_accessible(page)

    # Trying again keeps the gift chosen, and goes through once Stripe answers.
    expect(page.get_by_label("$100", exact=True)).to_be_checked()
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url(f"{CHECKOUT}c/pay/cs_test_*")
    assert charged(fake_stripe) == 10000


PHONES = pytest.mark.parametrize(
    "width", [390, 320], ids=["phone 390 px wide", "small phone 320 px wide"]
)
FAILED = "Payment failed — you were not charged"
# Whether any box the element is in can scroll sideways, so that part of it may be hidden.
IN_A_SIDEWAYS_SCROLL = """element => {
  for (let box = element.parentElement; box; box = box.parentElement) {
    if (box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible")
      return true;
  }
  return false;
}"""


def gifts_of_a_donor():
    """A donor with a failed payment, a refunded gift and a received monthly one, to
    organizations with long names."""
    donor = make_user("dana@example.test", "Dana Donor")
    willow = make_organization("Willow Domestic Violence Center")
    cornerstones = make_organization("Cornerstones of Care")
    make_donation(willow, donor=donor, amount_cents=7500, status=Donation.Status.FAILED)
    make_donation(cornerstones, donor=donor, amount_cents=125_000, status=Donation.Status.REFUNDED)
    make_donation(
        willow,
        donor=donor,
        amount_cents=2500,
        frequency=Frequency.MONTHLY,
        status=Donation.Status.SUCCEEDED,
    )
    return donor


def accessible_rows(page, table_name):
    """The rows of the table `table_name` as the browser gives them to screen readers: the
    role and name of each row's cells."""
    cdp = page.context.new_cdp_session(page)
    nodes = {n["nodeId"]: n for n in cdp.send("Accessibility.getFullAXTree")["nodes"]}

    def role(node):
        return node["role"]["value"]

    def name(node):
        return node.get("name", {}).get("value", "")

    def below(node, wanted):
        for child_id in node.get("childIds", []):
            child = nodes.get(child_id)
            if child is None:
                continue
            if role(child) in wanted:
                yield child
            elif role(child) not in ("row", "table"):
                yield from below(child, wanted)

    table = next(n for n in nodes.values() if role(n) == "table" and name(n) == table_name)
    return [
        [(role(cell), name(cell)) for cell in below(row, {"cell", "columnheader", "rowheader"})]
        for row in below(table, {"row"})
    ]


@PHONES
def test_on_a_phone_each_gifts_status_shows_without_scrolling_sideways(new_context, width):
    donor = gifts_of_a_donor()
    phone = new_context(
        viewport={"width": width, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    log_in(phone, donor.email, PASSWORD)
    phone.goto("/needs/my-gifts/")

    assert phone.evaluate("document.documentElement.scrollWidth") <= width, "page scrolls sideways"
    history = phone.get_by_role("region", name="Gift history")
    statuses = history.locator("tbody tr td:last-child")
    expect(statuses).to_have_text(["Received", "Refunded", FAILED], use_inner_text=True)
    for status in statuses.all():
        status.scroll_into_view_if_needed()
        box = status.bounding_box()
        shown = status.inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{shown!r} is off the screen"
        assert not status.evaluate(IN_A_SIDEWAYS_SCROLL), f"{shown!r} has to be scrolled to"
    # Each gift's amount is beside its status.
    failed = history.get_by_text(FAILED)
    amount = history.get_by_text("$75", exact=True)
    assert abs(amount.bounding_box()["y"] - failed.bounding_box()["y"]) < 2

    # Still a table to a screen reader: each status under the Status header.
    rows = accessible_rows(phone, "Your gifts, newest first")
    assert rows[0] == [
        ("columnheader", "Date"),
        ("columnheader", "Organization"),
        ("columnheader", "Amount"),
        ("columnheader", "Status"),
    ]
    assert [(cells[1][1], cells[2][1], cells[3]) for cells in rows[1:]] == [
        ("Willow Domestic Violence Center", "$25 · monthly", ("cell", "Received")),
        ("Cornerstones of Care", "$1,250", ("cell", "Refunded")),
        ("Willow Domestic Violence Center", "$75", ("cell", FAILED)),
    ]
    assert_accessible(phone)
