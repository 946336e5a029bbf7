"""Stripe Connect webhook events, applied so that order and repetition do not matter.

Stripe retries for days and does not promise order. So: each event id is stored
once (a second delivery changes nothing); a donation's status only moves forward
(a late "expired" cannot undo "received"); and an event about a payment or a
subscription Hearth has not linked yet is kept as deferred and replayed once
checkout.session.completed links it.
"""

import json
import logging
from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import Organization

from .models import Donation, Frequency, RecurringGift, StripeEvent
from .services import account_apply_status
from .tasks import send_donation_receipt

logger = logging.getLogger(__name__)

Outcome = StripeEvent.Outcome
Status = Donation.Status

# Later states win; equal or earlier ones are stale news.
RANK = {
    Status.PENDING: 0,
    Status.PROCESSING: 1,
    Status.EXPIRED: 2,
    Status.FAILED: 2,
    Status.SUCCEEDED: 3,
    Status.PARTIALLY_REFUNDED: 4,
    Status.REFUNDED: 5,
}


class BadEvent(Exception):
    """The request is not a genuine, current Stripe event for this site."""


def webhook_receive(payload, signature):
    """Verify and apply one delivery; returns a short description of what happened."""
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE
        )
        event = json.loads(payload)
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise BadEvent(str(error)) from error
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance((event.get("data") or {}).get("object"), dict)
    ):
        raise BadEvent("not an event: no id, type or data.object")
    live_keys = settings.STRIPE_SECRET_KEY.startswith(("sk_live", "rk_live"))
    if bool(event.get("livemode")) != live_keys:
        raise BadEvent("livemode does not match the keys in use")
    with transaction.atomic():
        stored, created = StripeEvent.objects.get_or_create(
            event_id=event["id"],
            defaults={
                "type": event.get("type", ""),
                "account": event.get("account") or "",
                "livemode": bool(event.get("livemode")),
                "payload": event,
                "outcome": Outcome.PROCESSED,
            },
        )
        if not created:
            return "duplicate"
        apply_event(stored)
    return stored.outcome


def apply_event(stored):
    """Run the handler for a stored event and record its outcome on it."""
    handler = HANDLERS.get(stored.type)
    if handler is None:
        logger.info("Stripe event %s of unhandled type %s", stored.event_id, stored.type)
        outcome, detail, related = Outcome.UNKNOWN, "", ""
    else:
        try:
            with transaction.atomic():
                outcome, detail, related = handler(stored.payload)
        except (KeyError, TypeError, AttributeError) as error:
            # Signed by Stripe but not in the shape its API documents: kept, not retried.
            logger.exception("Stripe event %s is malformed", stored.event_id)
            outcome, detail, related = Outcome.IGNORED, f"malformed event: {error!r}", ""
    stored.outcome, stored.detail, stored.related_id = outcome, detail[:200], related
    stored.save(update_fields=["outcome", "detail", "related_id"])


def replay_deferred(related_id):
    for stored in StripeEvent.objects.filter(
        related_id=related_id, outcome=Outcome.DEFERRED
    ).order_by("received_at", "pk"):
        apply_event(stored)


def _object(event):
    return event["data"]["object"]


def _same_account(event, organization):
    return bool(organization.stripe_account_id) and event.get("account") == (
        organization.stripe_account_id
    )


def _advance(donation, status, **fields):
    """Move a donation to a later status; send the receipt the first time it is received."""
    if RANK[status] <= RANK[donation.status]:
        return False
    donation.status = status
    paid_at = fields.pop("paid_at", None)
    first_payment = status == Status.SUCCEEDED and donation.paid_at is None
    if first_payment:
        donation.paid_at = paid_at or timezone.now()
    for name, value in fields.items():
        setattr(donation, name, value)
    donation.save()
    if first_payment:
        transaction.on_commit(lambda: send_donation_receipt.enqueue(donation.pk))
    return True


def _ignored(why):
    return Outcome.IGNORED, why, ""


def _session_donation(event):
    session = _object(event)
    donation = (
        Donation.objects.select_related("organization")
        .select_for_update()
        .filter(checkout_session_id=session["id"])
        .first()
    )
    if donation is None:
        return None, "no donation for this checkout session"
    if not _same_account(event, donation.organization):
        return None, "event account is not the donation's organization"
    return donation, ""


def checkout_completed(event):
    donation, why = _session_donation(event)
    if donation is None:
        return _ignored(why)
    session = _object(event)
    details = session.get("customer_details") or {}
    donation.donor_email = donation.donor_email or details.get("email") or ""
    donation.donor_name = donation.donor_name or details.get("name") or ""
    related = ""
    if session.get("mode") == "subscription" and session.get("subscription"):
        gift, _ = RecurringGift.objects.get_or_create(
            subscription_id=session["subscription"],
            defaults={
                "organization": donation.organization,
                "donor": donation.donor,
                "amount_cents": donation.amount_cents,
                "fee_cents": donation.fee_cents,
                "customer_id": session.get("customer") or "",
                "status": RecurringGift.Status.ACTIVE,
            },
        )
        donation.recurring_gift = gift
        donation.invoice_id = session.get("invoice") or ""
        related = gift.subscription_id
    else:
        donation.payment_intent_id = session.get("payment_intent") or ""
        related = donation.payment_intent_id
    status = Status.SUCCEEDED if session.get("payment_status") != "unpaid" else Status.PROCESSING
    if not _advance(donation, status, paid_at=_timestamp(event)):
        donation.save()
    if related:
        replay_deferred(related)
    return Outcome.PROCESSED, f"donation {donation.public_id}: {donation.status}", ""


def session_moves_to(status):
    """A handler for the session events that only move the donation to one status."""

    def handler(event):
        donation, why = _session_donation(event)
        if donation is None:
            return _ignored(why)
        _advance(donation, status, paid_at=_timestamp(event))
        return Outcome.PROCESSED, f"donation {donation.public_id}: {donation.status}", ""

    return handler


def account_updated(event):
    account = _object(event)
    if event.get("account") != account["id"]:
        return _ignored("account event from another account")
    organization = Organization.objects.filter(stripe_account_id=account["id"]).first()
    if organization is None:
        return _ignored("no organization has this account")
    account_apply_status(organization, account)
    return Outcome.PROCESSED, f"{organization.slug}: charges {account.get('charges_enabled')}", ""


def _invoice_subscription(invoice):
    """The subscription id, in the current API shape or the older one."""
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return details.get("subscription") or invoice.get("subscription") or ""


def _invoice_payment_intent(invoice):
    """The invoice's payment intent, in the current API shape (payments) or the older one."""
    for payment in (invoice.get("payments") or {}).get("data") or []:
        intent = (payment.get("payment") or {}).get("payment_intent")
        if intent:
            return intent
    return invoice.get("payment_intent") or ""


def _recurring_gift(event, invoice):
    subscription = _invoice_subscription(invoice)
    gift = (
        RecurringGift.objects.select_related("organization")
        .select_for_update()
        .filter(subscription_id=subscription)
        .first()
    )
    return subscription, gift


def _invoice_donation(gift, invoice):
    """The donation for one month: the first one made at checkout, or a renewal."""
    if invoice.get("billing_reason") == "subscription_create":
        first = gift.payments.select_for_update().order_by("created_at").first()
        if first is not None:
            if not first.invoice_id:
                first.invoice_id = invoice["id"]
            return first
    first = gift.payments.order_by("created_at").first()
    donation, _ = Donation.objects.select_for_update().get_or_create(
        invoice_id=invoice["id"],
        defaults={
            "organization": gift.organization,
            "recurring_gift": gift,
            "donor": gift.donor,
            "donor_name": first.donor_name if first else "",
            "donor_email": first.donor_email if first else invoice.get("customer_email") or "",
            "is_anonymous": first.is_anonymous if first else False,
            "language": first.language if first else "en",
            "frequency": Frequency.MONTHLY,
            "amount_cents": gift.amount_cents,
            "fee_cents": gift.fee_cents,
        },
    )
    return donation


def _invoice_event(event, status):
    invoice = _object(event)
    subscription, gift = _recurring_gift(event, invoice)
    if gift is None:
        return Outcome.DEFERRED, "subscription not linked yet", subscription
    if not _same_account(event, gift.organization):
        return _ignored("event account is not the gift's organization")
    donation = _invoice_donation(gift, invoice)
    payment_intent = _invoice_payment_intent(invoice)
    if payment_intent and not donation.payment_intent_id:
        donation.payment_intent_id = payment_intent
    if not _advance(donation, status, paid_at=_timestamp(event)):
        donation.save()
    new_gift_status = (
        RecurringGift.Status.ACTIVE if status == Status.SUCCEEDED else RecurringGift.Status.PAST_DUE
    )
    if gift.status != RecurringGift.Status.CANCELED:
        gift.status = new_gift_status
        gift.save(update_fields=["status"])
    if payment_intent:
        replay_deferred(payment_intent)
    return Outcome.PROCESSED, f"donation {donation.public_id}: {donation.status}", ""


def invoice_paid(event):
    return _invoice_event(event, Status.SUCCEEDED)


def invoice_payment_failed(event):
    return _invoice_event(event, Status.FAILED)


def subscription_deleted(event):
    subscription = _object(event)
    gift = (
        RecurringGift.objects.select_related("organization")
        .filter(subscription_id=subscription["id"])
        .first()
    )
    if gift is None:
        return Outcome.DEFERRED, "subscription not linked yet", subscription["id"]
    if not _same_account(event, gift.organization):
        return _ignored("event account is not the gift's organization")
    gift.status = RecurringGift.Status.CANCELED
    gift.canceled_at = gift.canceled_at or _timestamp(event)
    gift.save(update_fields=["status", "canceled_at"])
    return Outcome.PROCESSED, f"monthly gift {gift.pk} canceled", ""


def _charge_donation(event):
    charge = _object(event)
    payment_intent = charge.get("payment_intent") or ""
    donation = (
        Donation.objects.select_related("organization")
        .select_for_update()
        .filter(payment_intent_id=payment_intent)
        .exclude(payment_intent_id="")
        .first()
    )
    return payment_intent, donation


def charge_refunded(event):
    charge = _object(event)
    payment_intent, donation = _charge_donation(event)
    if donation is None:
        return Outcome.DEFERRED, "payment not linked yet", payment_intent
    if not _same_account(event, donation.organization):
        return _ignored("event account is not the donation's organization")
    # amount_refunded is cumulative, so a repeated or late event cannot double-count.
    refunded = min(int(charge.get("amount_refunded") or 0), donation.total_cents)
    donation.refunded_cents = max(donation.refunded_cents, refunded)
    full = donation.refunded_cents >= int(charge.get("amount") or donation.total_cents)
    if not _advance(donation, Status.REFUNDED if full else Status.PARTIALLY_REFUNDED):
        donation.save(update_fields=["refunded_cents"])
    return Outcome.PROCESSED, f"donation {donation.public_id}: {donation.status}", ""


def charge_dispute_created(event):
    dispute = _object(event)
    payment_intent = dispute.get("payment_intent") or ""
    donation = (
        Donation.objects.select_related("organization")
        .filter(payment_intent_id=payment_intent)
        .exclude(payment_intent_id="")
        .first()
    )
    if donation is None:
        return Outcome.DEFERRED, "payment not linked yet", payment_intent
    if not _same_account(event, donation.organization):
        return _ignored("event account is not the donation's organization")
    Donation.objects.filter(pk=donation.pk).update(is_disputed=True)
    return Outcome.PROCESSED, f"donation {donation.public_id}: disputed", ""


def _timestamp(event):
    created = event.get("created")
    return datetime.fromtimestamp(created, tz=UTC) if created else timezone.now()


HANDLERS = {
    "checkout.session.completed": checkout_completed,
    "checkout.session.async_payment_succeeded": session_moves_to(Status.SUCCEEDED),
    "checkout.session.async_payment_failed": session_moves_to(Status.FAILED),
    "checkout.session.expired": session_moves_to(Status.EXPIRED),
    "account.updated": account_updated,
    "invoice.paid": invoice_paid,
    "invoice.payment_failed": invoice_payment_failed,
    "customer.subscription.deleted": subscription_deleted,
    "charge.refunded": charge_refunded,
    "charge.dispute.created": charge_dispute_created,
}
