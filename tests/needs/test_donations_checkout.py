import re

import pytest

from core.models import OrganizationLink
from needs.donations.models import Donation
from needs.donations.services import covered_fee_cents
from tests.conftest import make_organization
from tests.needs.donation_helpers import ACCOUNT, connect, donate_url, gift

pytestmark = pytest.mark.django_db


def test_one_time_gift_creates_a_pending_donation_and_a_checkout_session(
    client, organization, fake_stripe
):
    connect(organization)
    response = client.post(donate_url(organization), gift(email="dana@example.test"))

    donation = Donation.objects.get()
    assert donation.status == Donation.Status.PENDING
    assert response.status_code == 303
    assert (
        response["Location"] == f"https://checkout.stripe.com/c/pay/{donation.checkout_session_id}"
    )

    sent = fake_stripe.last("/v1/checkout/sessions")
    assert sent.headers["Stripe-Account"] == ACCOUNT
    assert sent.headers["Idempotency-Key"] == str(donation.idempotency_key)
    assert sent.params["mode"] == "payment"
    assert sent.params["submit_type"] == "donate"
    assert sent.params["line_items[0][price_data][unit_amount]"] == "5000"
    assert sent.params["line_items[0][price_data][currency]"] == "usd"
    assert "line_items[0][price_data][recurring][interval]" not in sent.params
    assert sent.params["customer_email"] == "dana@example.test"
    assert sent.params["success_url"].endswith(f"/needs/give/thanks/{donation.public_id}/")
    assert sent.params["cancel_url"].endswith(f"/needs/give/{organization.slug}/?canceled=1")
    assert sent.params["metadata[donation]"] == str(donation.public_id)


def test_monthly_gift_with_the_fee_covered_is_a_monthly_subscription(
    client, organization, fake_stripe
):
    connect(organization)
    client.post(
        donate_url(organization),
        gift(preset="other", custom_amount="40", frequency="monthly", cover_fee="on"),
    )
    donation = Donation.objects.get()
    assert donation.amount_cents == 4000
    assert donation.fee_cents == covered_fee_cents(4000) == 151
    sent = fake_stripe.last("/v1/checkout/sessions")
    assert sent.params["mode"] == "subscription"
    assert sent.params["line_items[0][price_data][recurring][interval]"] == "month"
    assert sent.params["line_items[0][price_data][unit_amount]"] == "4151"
    assert sent.params["subscription_data[metadata][donation]"] == str(donation.public_id)


def test_a_spanish_donor_gets_stripe_in_spanish(client, organization, fake_stripe):
    connect(organization)
    client.post(f"/es{donate_url(organization)}", gift())
    assert fake_stripe.last("/v1/checkout/sessions").params["locale"] == "es"


def test_the_fee_covered_leaves_the_organization_the_whole_gift():
    for cents in [100, 2500, 5000, 2_500_000]:
        total = cents + covered_fee_cents(cents)
        stripe_fee = round(total * 0.029) + 30
        assert total - stripe_fee >= cents


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "The smallest gift is $1."),
        ("-5", "The smallest gift is $1."),
        ("0.99", "The smallest gift is $1."),
        ("1e9", "Enter an amount in dollars"),
        ("1e999999", "Enter an amount in dollars"),
        ("1E+999999999", "Enter an amount in dollars"),
        ("25000.01", "The largest gift online is $25,000."),
        ("abc", "Enter an amount in dollars"),
        ("NaN", "Enter an amount in dollars"),
        ("10.005", "Use at most two digits for cents"),
        ("", "Enter an amount in dollars"),
    ],
)
def test_bad_amounts_are_explained_and_nothing_is_charged(
    client, organization, fake_stripe, typed, message
):
    connect(organization)
    response = client.post(
        donate_url(organization), gift(preset="other", custom_amount=typed, note="For IDs")
    )
    assert response.status_code == 200
    assert message in response.text
    assert f'value="{typed}"' in response.text or typed == ""
    assert "For IDs" in response.text
    assert not Donation.objects.exists()
    assert fake_stripe.requests == []


@pytest.mark.parametrize(
    ("typed", "cents"), [("1", 100), ("$1,250.50", 125050), ("25000", 2_500_000)]
)
def test_custom_amounts_within_limits_are_accepted(client, organization, fake_stripe, typed, cents):
    connect(organization)
    client.post(donate_url(organization), gift(preset="other", custom_amount=typed))
    assert Donation.objects.get().amount_cents == cents


def test_stripe_failure_is_a_message_and_the_form_keeps_the_gift(client, organization, fake_stripe):
    connect(organization)
    fake_stripe.fail_next(status=500, message="boom", kind="api_error")
    fake_stripe.fail_next(status=500, message="boom", kind="api_error")
    fake_stripe.fail_next(status=500, message="boom", kind="api_error")
    response = client.post(donate_url(organization), gift(note="Keep going"))
    assert response.status_code == 200
    assert "Stripe could not start the payment" in response.text
    assert "Keep going" in response.text
    assert Donation.objects.get().status == Donation.Status.FAILED


def stripe_is_down(fake_stripe):
    """Every try the stripe library makes (it retries twice) fails with a server error."""
    for _try in range(3):
        fake_stripe.fail_next(status=500, message="boom", kind="api_error")


def checkout_failure(text):
    """The box that says Stripe could not start the payment, tags and spaces collapsed."""
    box = re.search(r'<div class="message message--error donate-failed".*?</div>', text, re.S)
    return box and " ".join(re.sub(r"<[^>]+>", " ", box.group()).split())


def test_when_stripe_is_down_the_donor_may_retry_or_use_the_organizations_own_donation_pages(
    client, organization, fake_stripe
):
    connect(organization)
    organization.links.create(
        kind=OrganizationLink.Kind.DONATION, label="Give by PayPal", url="https://pay.example/rh"
    )
    organization.links.create(
        kind=OrganizationLink.Kind.WISHLIST, label="Our wishlist", url="https://list.example/rh"
    )
    stripe_is_down(fake_stripe)
    response = client.post(donate_url(organization), gift(preset="100", note="Keep going"))

    assert response.status_code == 200
    assert checkout_failure(response.text) == (
        "Stripe could not start the payment. Nothing was charged; please try again. "
        "If it still does not work, Rended Heart also takes gifts here: "
        "Give to Rended Heart (opens in a new tab) Give by PayPal (opens in a new tab)"
    )
    assert '<a href="https://rended-heart.example/give" target="_blank"' in response.text
    assert '<a href="https://pay.example/rh" target="_blank"' in response.text
    assert "https://list.example/rh" not in response.text
    # Trying again is the form, still holding the gift.
    assert '<input type="radio" name="preset" value="100" id="id_preset_2" required checked>' in (
        response.text
    )
    assert "Keep going</textarea>" in response.text
    assert "Continue to secure payment</button>" in response.text
    assert Donation.objects.get().status == Donation.Status.FAILED


def test_when_the_organizations_stripe_account_refuses_the_donor_is_offered_its_email(
    client, organization, fake_stripe
):
    connect(organization)
    organization.links.all().delete()
    organization.email = "office@rended-heart.example"
    organization.save()
    fake_stripe.fail_next(
        status=400, kind="invalid_request_error", message="The account cannot make charges."
    )
    response = client.post(donate_url(organization), gift())

    assert checkout_failure(response.text) == (
        "Stripe could not start the payment. Nothing was charged; please try again. "
        "If it still does not work, write to Rended Heart at office@rended-heart.example "
        "to ask how else you can give."
    )
    assert '<a href="mailto:office@rended-heart.example">' in response.text
    assert "Continue to secure payment</button>" in response.text


def test_an_organization_with_neither_an_outside_page_nor_an_email_leaves_the_retry(
    client, organization, fake_stripe
):
    connect(organization)
    organization.links.all().delete()
    stripe_is_down(fake_stripe)
    response = client.post(donate_url(organization), gift())

    assert checkout_failure(response.text) == (
        "Stripe could not start the payment. Nothing was charged; please try again."
    )
    assert "Continue to secure payment</button>" in response.text


def test_other_ways_to_give_appear_only_when_stripe_could_not_start_the_payment(
    client, organization, fake_stripe
):
    connect(organization)
    assert checkout_failure(client.get(donate_url(organization)).text) is None
    response = client.post(donate_url(organization), gift(preset="other", custom_amount="abc"))
    assert checkout_failure(response.text) is None
    assert fake_stripe.requests == []


def test_an_unconnected_organization_falls_back_to_its_own_donation_page(
    client, organization, fake_stripe
):
    response = client.post(donate_url(organization), gift())
    assert response.status_code == 200
    assert "does not take card gifts on Hearth yet" in response.text
    assert 'href="https://rended-heart.example/give"' in response.text
    assert not Donation.objects.exists()
    assert fake_stripe.requests == []


def test_an_organization_whose_account_cannot_take_charges_yet_takes_no_gift(
    client, organization, fake_stripe
):
    connect(organization)
    organization.stripe_charges_enabled = False
    organization.save()
    client.post(donate_url(organization), gift())
    assert not Donation.objects.exists()


def test_an_unpublished_organization_has_no_donate_page(client, fake_stripe):
    hidden = connect(make_organization("Hidden House", published=False), account="acct_hidden")
    assert client.get(donate_url(hidden)).status_code == 404
    assert client.post(donate_url(hidden), gift()).status_code == 404
    assert not Donation.objects.exists()


def test_organization_page_shows_donate_or_the_outside_link(client, organization):
    response = client.get(organization.get_absolute_url())
    assert 'href="https://rended-heart.example/give"' in response.text
    assert donate_url(organization) not in response.text
    connect(organization)
    OrganizationLink.objects.all().delete()
    response = client.get(organization.get_absolute_url())
    assert donate_url(organization) in response.text


def test_an_email_longer_than_a_receipt_can_hold_is_refused_and_kept(
    client, organization, fake_stripe
):
    connect(organization)
    long_email = "c" * 64 + "@" + ".".join(["d" * 63] * 3) + ".com"  # 260 characters
    response = client.post(donate_url(organization), gift(email=long_email, note="For IDs"))
    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters (it has 260)." in response.text
    assert f'value="{long_email}"' in response.text
    assert not Donation.objects.exists()
    assert fake_stripe.requests == []
