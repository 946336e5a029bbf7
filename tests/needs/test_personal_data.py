"""A donor's own data: what deleting the account does to their gifts, and the download."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import User
from needs.donations.models import Donation, Frequency, RecurringGift
from tests.conftest import PASSWORD
from tests.needs.donation_helpers import (
    ACCOUNT,
    connect,
    donate_url,
    gift,
    make_donation,
    make_monthly_gift,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def monthly_gift(organization, donor):
    """A running $25 + $1.05 monthly gift, with its first payment received."""
    connect(organization)
    gift = make_monthly_gift(organization, donor, fee_cents=105, subscription_id="sub_9")
    make_donation(
        organization,
        donor=donor,
        recurring_gift=gift,
        frequency=Frequency.MONTHLY,
        amount_cents=2500,
        fee_cents=105,
        status=Donation.Status.SUCCEEDED,
    )
    return gift


def test_the_delete_page_says_which_monthly_gifts_stop_and_what_organizations_keep(
    client, donor, monthly_gift, other_organization
):
    make_monthly_gift(other_organization, donor, status=RecurringGift.Status.CANCELED)
    client.force_login(donor)
    text = client.get(reverse("core:account_delete")).text
    assert "cancels these monthly gifts with Stripe" in text
    assert "<strong>Rended Heart</strong> · $26.05 a month" in text
    assert "Justice Project KC" not in text  # already canceled: nothing to stop
    assert "the name and email address given with each gift" in text
    assert reverse("needs:my_gifts") in text


def test_the_delete_page_of_someone_who_never_gave_says_nothing_about_gifts(client, volunteer):
    client.force_login(volunteer)
    text = client.get(reverse("core:account_delete")).text
    assert "Your gifts" not in text
    assert "monthly gifts" not in text


def test_deleting_the_account_cancels_monthly_gifts_at_stripe_first(
    client, donor, monthly_gift, fake_stripe
):
    client.force_login(donor)
    response = client.post(reverse("core:account_delete"), {"password": PASSWORD}, follow=True)
    assert "Your account and your personal data have been deleted." in response.text
    assert not User.objects.filter(pk=donor.pk).exists()
    sent = fake_stripe.last("/v1/subscriptions/sub_9")
    assert sent.method == "DELETE"
    assert sent.headers["Stripe-Account"] == ACCOUNT
    monthly_gift.refresh_from_db()
    assert monthly_gift.status == RecurringGift.Status.CANCELED
    assert monthly_gift.canceled_at is not None
    assert monthly_gift.donor is None
    # The organization's receipt record stays, as the delete page says, with no account.
    payment = monthly_gift.payments.get()
    assert payment.donor is None
    assert (payment.donor_name, payment.donor_email) == ("Dana Donor", "donor@example.test")


@pytest.mark.parametrize("stripe_down", ["refuses", "unreachable"])
def test_the_account_stays_when_stripe_cannot_stop_a_monthly_gift(
    client, settings, donor, monthly_gift, fake_stripe, stripe_down
):
    if stripe_down == "refuses":
        fake_stripe.fail_next(status=400, message="Try again later.", kind="invalid_request_error")
    else:
        settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    client.force_login(donor)
    response = client.post(reverse("core:account_delete"), {"password": PASSWORD})
    assert response.status_code == 200
    assert (
        "Your account was not deleted, because Stripe could not stop your monthly gift "
        "to Rended Heart. Please try again in a moment."
    ) in response.text
    assert "<strong>Rended Heart</strong> · $26.05 a month" in response.text
    assert User.objects.filter(pk=donor.pk).exists()
    monthly_gift.refresh_from_db()
    assert (monthly_gift.status, monthly_gift.donor) == (RecurringGift.Status.ACTIVE, donor)
    assert client.get(reverse("needs:my_gifts")).status_code == 200  # still logged in


def test_deleting_an_account_touches_no_one_elses_monthly_gift(
    client, volunteer, monthly_gift, fake_stripe
):
    client.force_login(volunteer)
    assert "Rended Heart" not in client.get(reverse("core:account_delete")).text
    client.post(reverse("core:account_delete"), {"password": PASSWORD})
    assert not User.objects.filter(pk=volunteer.pk).exists()
    assert fake_stripe.requests == []
    monthly_gift.refresh_from_db()
    assert monthly_gift.status == RecurringGift.Status.ACTIVE


def test_the_data_download_has_my_donations_name_and_email_and_my_monthly_gifts(
    client, donor, monthly_gift, volunteer
):
    make_donation(
        monthly_gift.organization,
        donor=volunteer,
        donor_name="Val Volunteer",
        donor_email="val@example.test",
    )
    make_monthly_gift(monthly_gift.organization, volunteer, amount_cents=9900)
    client.force_login(donor)
    data = json.loads(client.get(reverse("core:data_export")).content)
    (donation,) = data["donations"]
    assert (donation["donor_name"], donation["donor_email"]) == (
        "Dana Donor",
        "donor@example.test",
    )
    assert data["monthly_gifts"] == [
        {
            "organization": "Rended Heart",
            "amount_cents": 2500,
            "fee_cents": 105,
            "status": "active",
            "started_at": monthly_gift.created_at.isoformat(),
            "canceled_at": None,
        }
    ]
    assert "val@example.test" not in json.dumps(data)


def start_gifts(client, organization, donor):
    """The donor goes to Stripe's payment page for a monthly gift and for a one-time gift,
    and pays neither there; returns the two pending donations."""
    connect(organization)
    client.force_login(donor)
    for frequency in ["monthly", "once"]:
        client.post(donate_url(organization), gift(preset="25", frequency=frequency))
    return Donation.objects.get(frequency="monthly"), Donation.objects.get(frequency="once")


def test_deleting_the_account_closes_the_payment_page_of_a_monthly_gift_left_open(
    client, organization, donor, fake_stripe
):
    monthly, once = start_gifts(client, organization, donor)
    response = client.post(reverse("core:account_delete"), {"password": PASSWORD}, follow=True)
    assert "Your account and your personal data have been deleted." in response.text
    sent = fake_stripe.last(f"/v1/checkout/sessions/{monthly.checkout_session_id}/expire")
    assert sent.headers["Stripe-Account"] == ACCOUNT
    assert fake_stripe.checkout_sessions[monthly.checkout_session_id]["status"] == "expired"
    monthly.refresh_from_db()
    assert monthly.status == Donation.Status.EXPIRED
    # A one-time gift paid later starts nothing that needs the account: it stays payable.
    assert fake_stripe.checkout_sessions[once.checkout_session_id]["status"] == "open"
    once.refresh_from_db()
    assert once.status == Donation.Status.PENDING


def test_a_monthly_gift_paid_just_before_the_deletion_is_cancelled_at_stripe(
    client, organization, donor, fake_stripe
):
    monthly, _once = start_gifts(client, organization, donor)
    fake_stripe.pay_checkout(monthly.checkout_session_id, subscription="sub_77")
    client.post(reverse("core:account_delete"), {"password": PASSWORD})
    assert not User.objects.filter(pk=donor.pk).exists()
    assert fake_stripe.last("/v1/subscriptions/sub_77").method == "DELETE"
    assert "sub_77" in fake_stripe.canceled_subscriptions
    # Paid: the webhooks record the payment and the cancellation, not "not completed".
    monthly.refresh_from_db()
    assert monthly.status == Donation.Status.PENDING


def test_a_payment_page_unknown_to_stripe_does_not_keep_the_account(
    client, organization, donor, fake_stripe
):
    monthly, _once = start_gifts(client, organization, donor)
    del fake_stripe.checkout_sessions[monthly.checkout_session_id]  # other keys, say
    response = client.post(reverse("core:account_delete"), {"password": PASSWORD}, follow=True)
    assert "Your account and your personal data have been deleted." in response.text
    monthly.refresh_from_db()
    assert monthly.status == Donation.Status.EXPIRED


def test_a_payment_page_older_than_a_day_has_expired_without_asking_stripe(
    client, organization, donor, fake_stripe
):
    start_gifts(client, organization, donor)
    Donation.objects.update(created_at=timezone.now() - timedelta(hours=25))
    started = len(fake_stripe.requests)
    client.post(reverse("core:account_delete"), {"password": PASSWORD})
    assert not User.objects.filter(pk=donor.pk).exists()
    assert fake_stripe.requests[started:] == []


def test_the_account_stays_when_stripe_cannot_close_a_monthly_payment_page(
    client, settings, organization, donor, fake_stripe
):
    monthly, _once = start_gifts(client, organization, donor)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = client.post(reverse("core:account_delete"), {"password": PASSWORD})
    assert (
        "Your account was not deleted, because Stripe could not stop your monthly gift "
        "to Rended Heart. Please try again in a moment."
    ) in response.text
    assert User.objects.filter(pk=donor.pk).exists()
    monthly.refresh_from_db()
    assert monthly.status == Donation.Status.PENDING
    assert fake_stripe.checkout_sessions[monthly.checkout_session_id]["status"] == "open"
