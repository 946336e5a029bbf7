"""The staff admin shows what Stripe created (gifts, monthly gifts, webhook events) and lets
staff search it, but offers no way to add, change or delete it by hand, which would put
Hearth's money records out of step with Stripe's."""

import pytest
from django.urls import reverse

from needs.donations.models import Donation, RecurringGift, StripeEvent
from tests.conftest import make_user
from tests.needs.donation_helpers import make_donation, make_monthly_gift

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    client.force_login(make_user("staff@example.test", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def records(organization, donor):
    """One record of each kind Stripe creates, with what to search it by and a change to
    try: the form fields the admin's add and change pages would post."""
    donation = make_donation(
        organization, donor=donor, status=Donation.Status.SUCCEEDED, payment_intent_id="pi_42"
    )
    gift = make_monthly_gift(organization, donor, subscription_id="sub_42")
    stripe_event = StripeEvent.objects.create(
        event_id="evt_42",
        type="charge.refunded",
        outcome=StripeEvent.Outcome.PROCESSED,
        payload={"id": "evt_42"},
    )
    return {
        "donation": (
            donation,
            "pi_42",
            {
                "organization": organization.pk,
                "amount_cents": "1",
                "refunded_cents": "5000",
                "status": Donation.Status.REFUNDED,
                "donor_name": "Someone Else",
            },
        ),
        "recurringgift": (
            gift,
            "sub_42",
            {
                "organization": organization.pk,
                "amount_cents": "1",
                "fee_cents": "0",
                "subscription_id": "sub_42",
                "status": RecurringGift.Status.CANCELED,
            },
        ),
        "stripeevent": (
            stripe_event,
            "evt_42",
            {"event_id": "evt_42", "type": "charge.refunded", "outcome": "ignored"},
        ),
    }


KINDS = pytest.mark.parametrize("kind", ["donation", "recurringgift", "stripeevent"])


def snapshot(record):
    """Every field's value as stored."""
    fresh = type(record).objects.get(pk=record.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


@KINDS
def test_staff_find_and_read_a_stripe_record_but_are_offered_no_add_or_save(
    superuser, records, kind
):
    record, searched_for, _changes = records[kind]
    changelist = superuser.get(reverse(f"admin:needs_{kind}_changelist"), {"q": searched_for})
    assert changelist.status_code == 200
    change_url = reverse(f"admin:needs_{kind}_change", args=[record.pk])
    assert f'href="{change_url}' in changelist.text  # found by the search
    assert reverse(f"admin:needs_{kind}_add") not in changelist.text
    assert 'name="action"' not in changelist.text  # no "Delete selected"

    page = superuser.get(change_url)
    assert page.status_code == 200
    assert "<h1>View " in page.text
    assert searched_for in page.text
    assert 'name="_save"' not in page.text
    assert reverse(f"admin:needs_{kind}_delete", args=[record.pk]) not in page.text


@KINDS
def test_staff_cannot_add_change_or_delete_a_stripe_record_by_posting(superuser, records, kind):
    record, _searched_for, changes = records[kind]
    model = type(record)
    before = snapshot(record)

    add = reverse(f"admin:needs_{kind}_add")
    assert superuser.get(add).status_code == 403
    assert superuser.post(add, {**changes, "_save": "Save"}).status_code == 403
    change = reverse(f"admin:needs_{kind}_change", args=[record.pk])
    assert superuser.post(change, {**changes, "_save": "Save"}).status_code == 403
    delete = reverse(f"admin:needs_{kind}_delete", args=[record.pk])
    assert superuser.post(delete, {"post": "yes"}).status_code == 403

    assert model.objects.count() == 1
    assert snapshot(record) == before


def test_staff_still_export_donations_from_the_admin(superuser, records):
    response = superuser.get(reverse("admin:needs_donation_export"))
    assert response.status_code == 200


def test_the_donation_goal_stays_editable_in_the_admin(superuser, organization):
    response = superuser.get(reverse("admin:needs_donationgoal_changelist"))
    assert reverse("admin:needs_donationgoal_add") in response.text
