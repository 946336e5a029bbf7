import io

import pytest
from django.core.management import call_command
from django.db.models import F, Sum

from core.models import Organization
from needs.demo import PRIVATE_PLACE
from needs.models import DropOff, Need, Pledge, Receipt

pytestmark = pytest.mark.django_db


def seed(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def snapshot():
    return (
        Need.objects.count(),
        Pledge.objects.count(),
        Receipt.objects.count(),
        list(Need.objects.order_by("pk").values_list("quantity_pledged", "quantity_received")),
    )


def test_seed_demo_adds_realistic_needs_for_every_organization_idempotently(settings):
    seed(settings)
    for organization in Organization.objects.all():
        assert organization.needs.exists(), organization
    assert Need.objects.filter(
        organization__slug="veronicas-voice", title="Hygiene kits", category="hygiene"
    ).exists()
    assert Need.objects.filter(organization__slug="rended-heart", category="gift_cards").exists()
    assert Need.objects.filter(organization__slug="relentless-pursuit", title="Day bus passes")
    before = snapshot()
    seed(settings)
    assert snapshot() == before


def test_the_demo_donor_has_pledges_in_several_states_and_the_totals_add_up(settings):
    seed(settings)
    statuses = set(
        Pledge.objects.filter(donor__email="donor@hearth.demo").values_list("status", flat=True)
    )
    assert statuses == {"confirmed", "delivered", "cancelled"}
    assert any(pledge.can_be_released for pledge in Pledge.objects.counting())
    for need in Need.objects.all():
        outstanding = need.pledges.counting().aggregate(n=Sum(F("quantity") - F("delivered")))["n"]
        received = need.receipts.aggregate(n=Sum("quantity"))["n"]
        assert need.quantity_pledged == (outstanding or 0), need
        assert need.quantity_received == (received or 0), need


def test_no_private_address_is_published(settings):
    seed(settings)
    home = DropOff.objects.get(organization__slug="veronicas-voice")
    # A safe house's drop-off point is off its page, and no address, even a made-up one.
    assert (home.place, home.place_is_public) == (PRIVATE_PLACE, False)
    assert not any(character.isdigit() for character in home.place)
    meal = DropOff.objects.get(organization__slug="justice-project-kc")
    assert meal.place_is_public
    assert meal.place == Organization.objects.get(slug="justice-project-kc").address
    public = DropOff.objects.filter(place_is_public=True)
    assert all(dropoff.place == dropoff.organization.address for dropoff in public)
