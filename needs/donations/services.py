"""Donation workflows that talk to Stripe: checkout, Connect onboarding, monthly gift cancel.

Every call goes through the official `stripe` library's StripeClient. Gifts are
direct charges: each request carries the organization's connected account
(the Stripe-Account header), so the organization is the merchant of record.
"""

import math

import stripe
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.lib.email import absolute_url

from .models import Donation, Frequency, RecurringGift


class DonationError(Exception):
    """Stripe could not start or change a payment; the message is safe to show."""


def stripe_client():
    base = settings.STRIPE_API_BASE
    addresses = {"api": base, "connect": base} if base else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY or "sk_test_missing",
        base_addresses=addresses,
        max_network_retries=2,
    )


def covered_fee_cents(amount_cents):
    """The fee to add so that, after Stripe's card fee, the organization gets amount_cents."""
    rate = settings.STRIPE_FEE_PERCENT / 100
    fixed = settings.STRIPE_FEE_FIXED_CENTS
    return math.ceil((amount_cents + fixed) / (1 - rate)) - amount_cents


def donation_start_checkout(
    *,
    organization,
    amount_cents,
    frequency,
    cover_fee,
    note,
    is_anonymous,
    donor,
    donor_name,
    donor_email,
    language,
):
    """Record a pending donation, create its Checkout Session, and return (donation, url).

    The donation is saved first so that a webhook can never arrive for a gift we
    do not know; its idempotency key makes a retried request create no second session.
    """
    fee = covered_fee_cents(amount_cents) if cover_fee else 0
    donation = Donation.objects.create(
        organization=organization,
        donor=donor,
        donor_name=donor_name,
        donor_email=donor_email,
        is_anonymous=is_anonymous,
        note=note,
        language=language,
        frequency=frequency,
        amount_cents=amount_cents,
        fee_cents=fee,
    )
    monthly = frequency == Frequency.MONTHLY
    price_data = {
        "currency": "usd",
        "unit_amount": donation.total_cents,
        "product_data": {
            "name": _("Monthly gift to %(name)s") % {"name": organization.name}
            if monthly
            else _("Gift to %(name)s") % {"name": organization.name}
        },
    }
    if monthly:
        price_data["recurring"] = {"interval": "month"}
    metadata = {"donation": str(donation.public_id), "organization": organization.slug}
    params = {
        "mode": "subscription" if monthly else "payment",
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "success_url": absolute_url(donation.get_return_url()),
        "cancel_url": absolute_url(
            reverse("needs:donate", args=[organization.slug]) + "?canceled=1"
        ),
        "client_reference_id": str(donation.public_id),
        "metadata": metadata,
        "locale": "es" if language == "es" else "en",
    }
    if donor_email:
        params["customer_email"] = donor_email
    if monthly:
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["submit_type"] = "donate"
        params["payment_intent_data"] = {"metadata": metadata}
    try:
        session = stripe_client().v1.checkout.sessions.create(
            params,
            {
                "stripe_account": organization.stripe_account_id,
                "idempotency_key": str(donation.idempotency_key),
            },
        )
    except stripe.StripeError as error:
        donation.status = Donation.Status.FAILED
        donation.save(update_fields=["status"])
        raise DonationError(
            _("Stripe could not start the payment. Nothing was charged; please try again.")
        ) from error
    donation.checkout_session_id = session.id
    donation.save(update_fields=["checkout_session_id"])
    return donation, session.url


def connect_start_onboarding(organization):
    """Create the organization's own Stripe account if needed; return the onboarding link.

    A standard account: the organization keeps the full Stripe Dashboard, pays
    its own fees and handles its own refunds and disputes.
    """
    client = stripe_client()
    try:
        if not organization.stripe_account_id:
            params = {
                "controller": {
                    "stripe_dashboard": {"type": "full"},
                    "fees": {"payer": "account"},
                    "losses": {"payments": "stripe"},
                    "requirement_collection": "stripe",
                },
                "business_profile": {"name": organization.name},
                "metadata": {"organization": organization.slug},
            }
            if organization.email:
                params["email"] = organization.email
            account = client.v1.accounts.create(
                params, {"idempotency_key": f"connect-{organization.pk}"}
            )
            organization.stripe_account_id = account.id
            organization.save(update_fields=["stripe_account_id"])
        manage = absolute_url(reverse("needs:manage_donations", args=[organization.slug]))
        link = client.v1.account_links.create(
            {
                "account": organization.stripe_account_id,
                "type": "account_onboarding",
                "refresh_url": manage + "?connect=refresh",
                "return_url": manage + "?connect=return",
            }
        )
    except stripe.StripeError as error:
        raise DonationError(
            _("Stripe could not start the connection. Please try again in a moment.")
        ) from error
    return link.url


def connect_refresh_status(organization):
    """Read the account's status from Stripe (after the coordinator returns from onboarding)."""
    try:
        account = stripe_client().v1.accounts.retrieve(organization.stripe_account_id)
    except stripe.StripeError as error:
        raise DonationError(_("Stripe did not answer; the status will update shortly.")) from error
    account_apply_status(organization, account)


def account_apply_status(organization, account):
    """Apply an account's status, from the API (a StripeObject) or a webhook (a dict)."""
    organization.stripe_charges_enabled = "charges_enabled" in account and bool(
        account["charges_enabled"]
    )
    organization.stripe_details_submitted = "details_submitted" in account and bool(
        account["details_submitted"]
    )
    organization.save(update_fields=["stripe_charges_enabled", "stripe_details_submitted"])


def recurring_gift_cancel(gift):
    """Cancel a monthly gift at Stripe; the webhook confirms it. A gift the organization
    already cancelled in its Stripe Dashboard is cancelled here too, even before (or
    without) that webhook: Stripe answers "No such subscription" to cancelling it again."""
    try:
        _cancel_subscription(gift.subscription_id, gift.organization)
    except stripe.StripeError as error:
        raise DonationError(
            _("Stripe could not cancel the monthly gift. Please try again.")
        ) from error
    with transaction.atomic():
        RecurringGift.objects.filter(pk=gift.pk).update(
            status=RecurringGift.Status.CANCELED, canceled_at=timezone.now()
        )


def _cancel_subscription(subscription_id, organization):
    subscriptions = stripe_client().v1.subscriptions
    options = {"stripe_account": organization.stripe_account_id}
    try:
        subscriptions.cancel(subscription_id, options=options)
    except stripe.InvalidRequestError as error:
        if error.code != "resource_missing":
            raise
        if subscriptions.retrieve(subscription_id, options=options).status != "canceled":
            raise


def monthly_checkout_close(donation):
    """Close the payment page of a monthly gift the donor started and did not finish, so
    that it can start no gift later (before their account goes, say). If it was paid a
    moment ago and its webhook has not come yet, cancel the subscription it started: the
    webhooks then record the payment and the cancellation."""
    sessions = stripe_client().v1.checkout.sessions
    options = {"stripe_account": donation.organization.stripe_account_id}
    try:
        try:
            sessions.expire(donation.checkout_session_id, options=options)
        except stripe.InvalidRequestError as refused:
            # Unknown to Stripe (started with other keys, or on an account the
            # organization has since replaced), it cannot be paid: nothing to close.
            if refused.code != "resource_missing":
                session = sessions.retrieve(donation.checkout_session_id, options=options)
                if session.status == "complete":
                    if session.subscription:
                        _cancel_subscription(session.subscription, donation.organization)
                    return
                if session.status != "expired":
                    raise
    except stripe.StripeError as error:
        raise DonationError(
            _("Stripe could not close the payment page. Please try again.")
        ) from error
    Donation.objects.filter(pk=donation.pk, status=Donation.Status.PENDING).update(
        status=Donation.Status.EXPIRED
    )
