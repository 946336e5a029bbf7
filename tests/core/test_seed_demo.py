import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from core.models import Membership, Organization, User

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Organization.objects.exists()


def test_seed_demo_creates_the_coalition_and_the_logins(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    assert Organization.objects.published().count() == 7
    assert Organization.objects.get(slug="veronicas-voice").phone == "913-214-1401"
    assert "3936 Troost" in Organization.objects.get(slug="justice-project-kc").address
    coordinator = authenticate(email="coordinator@rended-heart.demo", password="hearth-demo")
    assert coordinator is not None
    assert Membership.objects.filter(user=coordinator, organization__slug="rended-heart").exists()
    for email in ["volunteer@hearth.demo", "newcomer@hearth.demo", "donor@hearth.demo"]:
        assert authenticate(email=email, password="hearth-demo") is not None
    assert User.objects.get(email="admin@hearth.demo").is_staff
    printed = capsys.readouterr().out
    assert "coordinator@rended-heart.demo" in printed
    assert "hearth-demo" in printed


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Organization.objects.count(), User.objects.count(), Membership.objects.count())
    links = sorted(Organization.objects.values_list("links__url", flat=True))
    call_command("seed_demo")
    assert (Organization.objects.count(), User.objects.count(), Membership.objects.count()) == (
        counts
    )
    assert sorted(Organization.objects.values_list("links__url", flat=True)) == links
