"""Sample donations for the demo, in several states (all made up)."""

from datetime import timedelta

from django.utils import timezone

from core.models import User

from .models import Donation, DonationGoal, Frequency, RecurringGift

SAMPLE = [
    # (organization slug, cents, frequency, status, days ago, refunded cents)
    ("rended-heart", 5000, Frequency.ONCE, Donation.Status.SUCCEEDED, 2, 0),
    ("rended-heart", 2500, Frequency.MONTHLY, Donation.Status.SUCCEEDED, 20, 0),
    ("rended-heart", 10000, Frequency.ONCE, Donation.Status.PARTIALLY_REFUNDED, 40, 2500),
    ("relentless-pursuit", 2000, Frequency.ONCE, Donation.Status.SUCCEEDED, 5, 0),
    ("relentless-pursuit", 7500, Frequency.ONCE, Donation.Status.FAILED, 6, 0),
    ("veronicas-voice", 15000, Frequency.ONCE, Donation.Status.REFUNDED, 60, 15000),
]


def seed_donations(organizations, stdout):
    by_slug = {o.slug: o for o in organizations}
    rended = by_slug["rended-heart"]
    # Card gifts need Stripe test keys and a connected account (see the README);
    # until then the Donate button falls back to the organization's own page.
    rended.legal_name = "Rended Heart (sample legal name)"
    rended.ein = "00-0000001"
    rended.save()
    DonationGoal.objects.update_or_create(
        organization=rended,
        defaults={"title": "Rides to court and the doctor", "target_cents": 150_000},
    )
    donor = User.objects.get(email="donor@hearth.demo")
    now = timezone.now()
    for index, (slug, cents, frequency, status, days, refunded) in enumerate(SAMPLE):
        gift = None
        if frequency == Frequency.MONTHLY:
            gift, _ = RecurringGift.objects.get_or_create(
                subscription_id=f"sub_demo_{index}",
                defaults={
                    "organization": by_slug[slug],
                    "donor": donor,
                    "amount_cents": cents,
                    "status": RecurringGift.Status.ACTIVE,
                },
            )
        Donation.objects.update_or_create(
            checkout_session_id=f"cs_demo_{index}",
            defaults={
                "organization": by_slug[slug],
                "donor": donor,
                "donor_name": donor.name,
                "donor_email": donor.email,
                "frequency": frequency,
                "amount_cents": cents,
                "refunded_cents": refunded,
                "status": status,
                "recurring_gift": gift,
                "paid_at": None if status == Donation.Status.FAILED else now - timedelta(days=days),
                "receipt_sent_at": now - timedelta(days=days),
            },
        )
    stdout.write(f"Sample donations: {len(SAMPLE)}.")
