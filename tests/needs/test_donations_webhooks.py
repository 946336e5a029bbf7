import json
import time

import pytest
from django.core import mail

from needs.donations.models import Donation, Frequency, RecurringGift, StripeEvent
from tests.conftest import make_organization
from tests.needs.donation_helpers import (
    ACCOUNT,
    connect,
    event,
    make_donation,
    session_object,
    sign,
)

pytestmark = pytest.mark.django_db

Status = Donation.Status


@pytest.fixture
def donation(organization, fake_stripe):
    connect(organization)
    return make_donation(organization)


def completed(donation, **extra):
    return event("checkout.session.completed", session_object(donation, **extra))


def test_completed_checkout_marks_the_gift_received_and_emails_a_receipt(send, donation):
    organization = donation.organization
    organization.legal_name = "Rended Heart Inc."
    organization.ein = "12-3456789"
    organization.email = "give@rended-heart.test"
    organization.save()
    response = send(completed(donation))
    assert response.status_code == 200
    donation.refresh_from_db()
    assert donation.status == Status.SUCCEEDED
    assert donation.payment_intent_id == "pi_test_1"
    assert donation.paid_at is not None
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.to == ["donor@example.test"]
    assert receipt.reply_to == ["give@rended-heart.test"]
    for fact in ["Rended Heart Inc.", "12-3456789", "$50", "No goods or services were provided"]:
        assert fact in receipt.body


def test_the_receipts_subject_is_in_the_donors_language_and_plain_text(send, donation):
    organization = donation.organization
    organization.name = "Veronica's Voice"
    organization.save()
    donation.language = "es"
    donation.save()
    send(completed(donation))
    (receipt,) = mail.outbox
    assert receipt.subject == "Su recibo por su donación a Veronica's Voice"


def test_a_duplicate_delivery_is_acknowledged_and_changes_nothing(send, donation):
    body = completed(donation)
    assert send(body).content == b"processed"
    assert send(body).content == b"duplicate"
    assert StripeEvent.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("kind", ["missing", "garbage", "no signature", "forged"])
def test_unsigned_or_forged_events_are_rejected_and_change_nothing(send, donation, kind):
    payload = json.dumps(completed(donation))
    signature = {
        "missing": "",
        "garbage": "garbage",
        "no signature": f"t={int(time.time())}",
        "forged": sign(payload, secret="whsec_forged"),
    }[kind]
    response = send(payload, signature=signature)
    assert response.status_code == 400
    donation.refresh_from_db()
    assert donation.status == Status.PENDING
    assert not StripeEvent.objects.exists()


def test_a_stale_event_is_rejected(send, donation):
    payload = json.dumps(completed(donation))
    old = sign(payload, timestamp=int(time.time()) - 3600)
    assert send(payload, signature=old).status_code == 400
    assert not StripeEvent.objects.exists()


def test_a_malformed_body_is_rejected(send, donation):
    assert send("{not json").status_code == 400


@pytest.mark.parametrize("body", ["{}", "[]", "1", "null", '{"id": "evt_1", "type": "x"}'])
def test_a_signed_body_that_is_not_an_event_is_rejected(send, donation, body):
    assert send(body).status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize(
    ("kind", "obj"),
    [
        ("account.updated", {}),
        ("invoice.paid", {"id": "in_1", "parent": "x"}),
        ("checkout.session.completed", {"mode": "payment"}),
    ],
)
def test_a_signed_event_of_an_unexpected_shape_is_kept_as_ignored(send, donation, kind, obj):
    response = send(event(kind, obj))
    assert response.status_code == 200
    stored = StripeEvent.objects.get()
    assert stored.outcome == StripeEvent.Outcome.IGNORED
    assert stored.detail.startswith("malformed event")
    donation.refresh_from_db()
    assert donation.status == Status.PENDING


def test_a_live_event_is_rejected_while_test_keys_are_in_use(send, donation):
    body = completed(donation)
    body["livemode"] = True
    assert send(body).status_code == 400
    donation.refresh_from_db()
    assert donation.status == Status.PENDING


def test_an_event_from_another_account_changes_nothing(send, donation):
    response = send(
        event("checkout.session.completed", session_object(donation), account="acct_someone_else"),
    )
    assert response.status_code == 200
    donation.refresh_from_db()
    assert donation.status == Status.PENDING
    assert StripeEvent.objects.get().outcome == StripeEvent.Outcome.IGNORED


def test_an_unknown_event_type_is_acknowledged_and_logged(send, donation, caplog):
    response = send(event("customer.created", {"id": "cus_1"}))
    assert response.status_code == 200
    assert StripeEvent.objects.get().outcome == StripeEvent.Outcome.UNKNOWN
    assert "customer.created" in caplog.text


def test_bank_payments_wait_then_succeed_or_fail(send, organization, fake_stripe):
    connect(organization)
    paid, bounced = make_donation(organization), make_donation(organization)
    for donation in (paid, bounced):
        send(completed(donation, payment_status="unpaid"))
        donation.refresh_from_db()
        assert donation.status == Status.PROCESSING
    send(event("checkout.session.async_payment_succeeded", session_object(paid)))
    send(event("checkout.session.async_payment_failed", session_object(bounced)))
    paid.refresh_from_db()
    bounced.refresh_from_db()
    assert (paid.status, bounced.status) == (Status.SUCCEEDED, Status.FAILED)
    assert len(mail.outbox) == 1


def test_an_abandoned_checkout_expires(send, donation):
    send(event("checkout.session.expired", session_object(donation)))
    donation.refresh_from_db()
    assert donation.status == Status.EXPIRED


def test_a_late_expired_event_cannot_undo_a_received_gift(send, donation):
    send(completed(donation))
    send(event("checkout.session.expired", session_object(donation)))
    donation.refresh_from_db()
    assert donation.status == Status.SUCCEEDED


def refund(amount_refunded, amount=5000, payment_intent="pi_test_1"):
    return event(
        "charge.refunded",
        {
            "id": "ch_test_1",
            "object": "charge",
            "amount": amount,
            "amount_refunded": amount_refunded,
            "payment_intent": payment_intent,
        },
    )


def test_partial_then_full_refund_after_success(send, donation):
    send(completed(donation))
    send(refund(2000))
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_cents) == (Status.PARTIALLY_REFUNDED, 2000)
    send(refund(5000))
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_cents) == (Status.REFUNDED, 5000)
    assert Donation.objects.total_net_cents() == 0


def test_a_refund_that_arrives_before_the_payment_is_applied_once_it_is_linked(send, donation):
    send(refund(5000))
    assert StripeEvent.objects.get().outcome == StripeEvent.Outcome.DEFERRED
    send(completed(donation))
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_cents) == (Status.REFUNDED, 5000)


def test_events_in_any_order_end_in_the_same_state(send, organization, fake_stripe):
    connect(organization)
    states = []
    for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
        donation = make_donation(organization)
        pi = f"pi_{donation.pk}"
        events = [
            completed(donation, payment_intent=pi),
            refund(1000, payment_intent=pi),
            event("charge.dispute.created", {"id": "dp_1", "payment_intent": pi}),
        ]
        for index in order:
            send(events[index])
        donation.refresh_from_db()
        states.append((donation.status, donation.refunded_cents, donation.is_disputed))
    assert states == [(Status.PARTIALLY_REFUNDED, 1000, True)] * 3


def test_a_dispute_is_flagged_for_the_coordinator(send, donation):
    send(completed(donation))
    send(event("charge.dispute.created", {"id": "dp_1", "payment_intent": "pi_test_1"}))
    donation.refresh_from_db()
    assert donation.is_disputed


def test_account_updated_records_whether_the_organization_can_take_charges(
    send, organization, fake_stripe
):
    organization.stripe_account_id = ACCOUNT
    organization.save()
    send(
        event(
            "account.updated",
            {
                "id": ACCOUNT,
                "object": "account",
                "charges_enabled": True,
                "details_submitted": True,
            },
        ),
    )
    organization.refresh_from_db()
    assert organization.takes_donations


def test_account_updated_for_another_account_changes_nothing(send, organization, fake_stripe):
    organization.stripe_account_id = ACCOUNT
    organization.save()
    send(
        event("account.updated", {"id": ACCOUNT, "charges_enabled": True}, account="acct_other"),
    )
    organization.refresh_from_db()
    assert not organization.stripe_charges_enabled


def invoice(invoice_id, subscription, reason, *, payment_intent=""):
    return {
        "id": invoice_id,
        "object": "invoice",
        "billing_reason": reason,
        "parent": {"subscription_details": {"subscription": subscription}},
        "payments": {"data": [{"payment": {"payment_intent": payment_intent}}]},
    }


@pytest.fixture
def monthly(organization, fake_stripe):
    connect(organization)
    return make_donation(organization, frequency=Frequency.MONTHLY, amount_cents=2500)


def start_monthly(send, donation):
    send(
        completed(donation, subscription="sub_test_1", customer="cus_1", invoice="in_first"),
    )
    send(event("invoice.paid", invoice("in_first", "sub_test_1", "subscription_create")))


def test_a_monthly_gift_starts_and_each_renewal_is_a_new_receipted_payment(send, monthly):
    start_monthly(send, monthly)
    gift = RecurringGift.objects.get()
    assert gift.status == RecurringGift.Status.ACTIVE
    assert Donation.objects.count() == 1
    send(
        event(
            "invoice.paid",
            invoice("in_second", "sub_test_1", "subscription_cycle", payment_intent="pi_r2"),
        ),
    )
    renewal = Donation.objects.get(invoice_id="in_second")
    assert renewal.status == Status.SUCCEEDED
    assert renewal.amount_cents == 2500
    assert renewal.recurring_gift == gift
    assert renewal.donor_email == monthly.donor_email
    assert len(mail.outbox) == 2
    assert "monthly gift" in mail.outbox[1].body


def test_a_renewal_that_fails_then_is_retried(send, monthly):
    start_monthly(send, monthly)
    send(event("invoice.payment_failed", invoice("in_2", "sub_test_1", "subscription_cycle")))
    assert RecurringGift.objects.get().status == RecurringGift.Status.PAST_DUE
    assert Donation.objects.get(invoice_id="in_2").status == Status.FAILED
    send(event("invoice.paid", invoice("in_2", "sub_test_1", "subscription_cycle")))
    assert Donation.objects.get(invoice_id="in_2").status == Status.SUCCEEDED
    assert RecurringGift.objects.get().status == RecurringGift.Status.ACTIVE


def test_the_first_invoice_before_the_checkout_event_counts_once(send, monthly):
    send(event("invoice.paid", invoice("in_first", "sub_test_1", "subscription_create")))
    send(
        completed(monthly, subscription="sub_test_1", customer="cus_1", invoice="in_first"),
    )
    assert Donation.objects.count() == 1
    assert Donation.objects.get().status == Status.SUCCEEDED
    assert len(mail.outbox) == 1


def test_a_canceled_subscription_ends_the_monthly_gift(send, monthly):
    start_monthly(send, monthly)
    send(event("customer.subscription.deleted", {"id": "sub_test_1"}))
    assert RecurringGift.objects.get().status == RecurringGift.Status.CANCELED


def test_renewal_events_from_another_account_change_nothing(send, monthly):
    start_monthly(send, monthly)
    other = event(
        "invoice.paid", invoice("in_x", "sub_test_1", "subscription_cycle"), account="acct_x"
    )
    send(other)
    assert not Donation.objects.filter(invoice_id="in_x").exists()


def test_another_organizations_event_cannot_touch_this_donation(send, donation):
    other = connect(make_organization("Other Org"), account="acct_other_org")
    assert other.takes_donations
    send(
        event("checkout.session.completed", session_object(donation), account="acct_other_org"),
    )
    donation.refresh_from_db()
    assert donation.status == Status.PENDING
