"""Sample needs, drop-off details and a donor's pledges for `manage.py seed_demo`.

Illustrative only. No street address is invented: a place is public only where the
organization's own public address is, and a safe house's never is.
"""

from datetime import timedelta

from django.db.models import F, Sum
from django.utils import timezone

from core.models import User

from .models import DropOff, Need, Pledge, Receipt

# slug -> [(title, category, priority, quantity, unit, description)]
NEEDS = {
    "veronicas-voice": [
        (
            "Hygiene kits",
            "hygiene",
            "urgent",
            40,
            "kits",
            "Shampoo, soap, toothbrush, toothpaste and deodorant for women arriving at "
            "Magdalene KC.",
        ),
        (
            "Twin bedding sets",
            "bedding",
            "high",
            12,
            "sets",
            "Sheets, a pillow and a blanket for each new resident. New items only.",
        ),
        ("New underwear, women's sizes S-XL", "clothing", "high", 30, "packs of 3", ""),
        ("Bath towels", "household", "normal", 20, "towels", ""),
    ],
    "justice-project-kc": [
        (
            "Warm socks",
            "clothing",
            "urgent",
            60,
            "pairs",
            "Handed out with the free meal in the Willow Tree Room.",
        ),
        ("Travel-size toiletries", "hygiene", "normal", 100, "items", ""),
        ("Reusable grocery bags", "household", "normal", 40, "bags", ""),
    ],
    "rended-heart": [
        (
            "Gift cards for ID replacement fees",
            "gift_cards",
            "urgent",
            15,
            "$25 cards",
            "Birth certificates and state IDs cost money; a card covers one fee.",
        ),
        (
            "Bus passes",
            "gift_cards",
            "high",
            30,
            "31-day passes",
            "Rides to court, medical and dental care and job interviews.",
        ),
        ("Pillows", "bedding", "normal", 10, "pillows", "New, standard size."),
    ],
    "restoration-house-kc": [
        ("Twin comforters", "bedding", "high", 16, "comforters", ""),
        (
            "Backpacks with school supplies",
            "school",
            "normal",
            10,
            "backpacks",
            "For residents of the program for minors.",
        ),
        (
            "Kitchen starter sets",
            "household",
            "normal",
            8,
            "sets",
            "Pots, pans and utensils for residents moving into long-term housing.",
        ),
    ],
    "relentless-pursuit": [
        (
            "Day bus passes",
            "gift_cards",
            "urgent",
            50,
            "passes",
            "Up to 45 women visit the drop-in center in one day.",
        ),
        ("Snack packs", "food", "high", 200, "packs", "Individually wrapped, no nuts."),
        ("Pads and tampons", "hygiene", "urgent", 100, "boxes", ""),
    ],
    "cornerstones-of-care": [
        ("Diapers, size 4", "baby", "high", 60, "packs", ""),
        ("Baby wipes", "baby", "normal", 40, "packs", ""),
        ("Children's books", "school", "normal", 50, "books", "New or like new, ages 3-12."),
    ],
    "willow-domestic-violence-center": [
        ("Pajamas, all sizes", "clothing", "normal", 30, "sets", ""),
        ("Phone chargers", "household", "high", 25, "chargers", "USB-C and Lightning."),
    ],
}

# Organizations whose public address is a fine drop-off place; every other one
# gives its place privately, in the pledge email and on the pledge's page.
PUBLIC_PLACE = {"justice-project-kc", "relentless-pursuit"}

PRIVATE_INSTRUCTIONS = (
    "Sample data. We give the drop-off place to donors after they pledge, "
    "to keep the people we serve safe. New items only, please."
)
PUBLIC_INSTRUCTIONS = "Sample data. Ask at the front desk; new items only, please."
# What a private place would be: never a real address, even a made-up one.
PRIVATE_PLACE = (
    "Sample data: a drop-off point away from the safe house, given only to donors who pledged."
)

# (slug, title, quantity, days from today to the expected date, status, delivered)
DONOR_PLEDGES = [
    ("veronicas-voice", "Hygiene kits", 5, 3, Pledge.Status.CONFIRMED, 0),
    ("rended-heart", "Bus passes", 10, 1, Pledge.Status.CONFIRMED, 4),
    ("justice-project-kc", "Warm socks", 12, -5, Pledge.Status.DELIVERED, 12),
    # Past its date and the grace period: the coordinator's Receive page offers to release it.
    ("relentless-pursuit", "Snack packs", 20, -10, Pledge.Status.CONFIRMED, 0),
    ("cornerstones-of-care", "Diapers, size 4", 6, 4, Pledge.Status.CANCELLED, 0),
]
WALK_INS = [("veronicas-voice", "Hygiene kits", 12), ("relentless-pursuit", "Day bus passes", 20)]


def seed(organizations, stdout):
    by_slug = {organization.slug: organization for organization in organizations}
    count = 0
    for slug, needs in NEEDS.items():
        organization = by_slug.get(slug)
        if organization is None:
            continue
        _dropoff(organization)
        for title, category, priority, quantity, unit, description in needs:
            # Only the fields a coordinator edits: the totals stay what pledges made them.
            Need.objects.update_or_create(
                organization=organization,
                title=title,
                defaults={
                    "category": category,
                    "priority": priority,
                    "quantity_needed": quantity,
                    "unit": unit,
                    "description": description,
                },
            )
            count += 1
    _pledges_and_walk_ins()
    stdout.write(f"Needs: {count} sample needs.")


def _dropoff(organization):
    public = organization.slug in PUBLIC_PLACE and bool(organization.address)
    DropOff.objects.update_or_create(
        organization=organization,
        defaults={
            "place": organization.address if public else PRIVATE_PLACE,
            "place_is_public": public,
            "hours": "Mon-Fri, 10am-3pm",
            "instructions": PUBLIC_INSTRUCTIONS if public else PRIVATE_INSTRUCTIONS,
        },
    )


def _pledges_and_walk_ins():
    """Once: a demo donor's pledges in each state, and a few walk-in donations."""
    donor = User.objects.filter(email="donor@hearth.demo").first()
    if donor is None or Pledge.objects.filter(donor=donor).exists():
        return
    today = timezone.localdate()
    now = timezone.now()
    touched = []
    for slug, title, quantity, days, status, delivered in DONOR_PLEDGES:
        need = Need.objects.get(organization__slug=slug, title=title)
        closed = status != Pledge.Status.CONFIRMED
        pledge = Pledge.objects.create(
            need=need,
            donor=donor,
            quantity=quantity,
            delivered=delivered,
            expected_on=today + timedelta(days=days),
            status=status,
            confirmed_at=now,
            closed_at=now if closed else None,
        )
        if delivered:
            Receipt.objects.create(need=need, pledge=pledge, quantity=delivered)
        touched.append(need)
    for slug, title, quantity in WALK_INS:
        need = Need.objects.get(organization__slug=slug, title=title)
        Receipt.objects.create(need=need, quantity=quantity, note="Sample walk-in donation")
        touched.append(need)
    for need in touched:
        _recount(need)


def _recount(need):
    """Totals from the rows the demo wrote directly (the site itself goes through services)."""
    pledged = need.pledges.counting().aggregate(units=Sum(F("quantity") - F("delivered")))
    received = need.receipts.aggregate(units=Sum("quantity"))
    need.quantity_pledged = pledged["units"] or 0
    need.quantity_received = received["units"] or 0
    need.sync_status()
    need.save()
