"""Donations test data and Stripe webhook deliveries signed the way Stripe signs them."""

import itertools
import json
import time

from django.urls import reverse
from stripe import WebhookSignature

from needs.donations.models import Donation, Frequency, RecurringGift

WEBHOOK_URL = reverse("needs:stripe_webhook")
ACCOUNT = "acct_test_rended"
_event_ids = itertools.count(1)


def connect(organization, account=ACCOUNT):
    organization.stripe_account_id = account
    organization.stripe_charges_enabled = True
    organization.stripe_details_submitted = True
    organization.save()
    return organization


def donate_url(organization):
    return reverse("needs:donate", args=[organization.slug])


def gift(**overrides):
    """The donate form's fields for a one-time $50 gift, with these changes."""
    data = {"preset": "50", "custom_amount": "", "frequency": "once", "name": "", "email": ""}
    data.update(overrides)
    return data


def make_donation(organization, **fields):
    fields.setdefault("amount_cents", 5000)
    fields.setdefault("checkout_session_id", f"cs_test_{next(_event_ids):06d}")
    fields.setdefault("donor_email", "donor@example.test")
    fields.setdefault("donor_name", "Dana Donor")
    return Donation.objects.create(organization=organization, **fields)


def make_monthly_gift(organization, donor, **fields):
    """A running monthly gift, $25 unless told otherwise."""
    fields.setdefault("amount_cents", 2500)
    fields.setdefault("subscription_id", f"sub_test_{next(_event_ids):06d}")
    fields.setdefault("status", RecurringGift.Status.ACTIVE)
    return RecurringGift.objects.create(organization=organization, donor=donor, **fields)


def event(kind, obj, *, account=ACCOUNT, event_id=None, livemode=False, created=None):
    return {
        "id": event_id or f"evt_test_{next(_event_ids):06d}",
        "object": "event",
        "type": kind,
        "account": account,
        "livemode": livemode,
        "created": created or int(time.time()),
        "api_version": "2026-01-28",
        "data": {"object": obj},
    }


def session_object(donation, *, payment_status="paid", payment_intent="pi_test_1", **extra):
    monthly = donation.frequency == Frequency.MONTHLY
    obj = {
        "id": donation.checkout_session_id,
        "object": "checkout.session",
        "mode": "subscription" if monthly else "payment",
        "payment_status": payment_status,
        "payment_intent": None if monthly else payment_intent,
        "customer_details": {"email": "payer@example.test", "name": "Pat Payer"},
        "metadata": {"donation": str(donation.public_id)},
    }
    obj.update(extra)
    return obj


def sign(payload, secret="whsec_test_hearth", timestamp=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)
    return f"t={timestamp},v1={signature}"


def deliver(client, body, *, signature=None):
    """POST one event (a dict, or raw text) to the webhook as Stripe would."""
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        WEBHOOK_URL,
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": signature if signature is not None else sign(payload)},
    )
