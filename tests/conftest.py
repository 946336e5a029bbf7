from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import translation

from core.models import Membership, Organization, OrganizationLink, OrganizationService, User
from tests.servers import SERVER_CACHES, AppServer, server_environment

PASSWORD = "correct-horse-battery"
# A midweek moment far from midnight and from the month's ends, for tests that work out
# "today" twice or count from the start of the week or month.
MIDDAY = datetime(2026, 3, 4, 12, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Fast hashing, tasks run at once, caches of their own per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    cache.clear()
    caches["template_fragments"].clear()
    # A request to /es/ leaves Spanish active in this thread, and reverse() follows it.
    translation.activate("en")


def make_user(email, name="", verified=True, **extra):
    user = User.objects.create_user(email=email, password=PASSWORD, name=name, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_organization(name, services=(), links=(), published=True, **extra):
    slug = extra.pop("slug", name.lower().replace(" ", "-").replace("'", ""))
    organization = Organization.objects.create(
        name=name,
        slug=slug,
        summary=extra.pop("summary", f"{name} helps people in Kansas City."),
        is_published=published,
        **extra,
    )
    OrganizationService.objects.bulk_create(
        OrganizationService(organization=organization, service=s) for s in services
    )
    OrganizationLink.objects.bulk_create(
        OrganizationLink(organization=organization, kind=kind, label=label, url=url)
        for kind, label, url in links
    )
    return organization


@pytest.fixture
def organization(db):
    return make_organization(
        "Rended Heart",
        services=["housing", "transport"],
        links=[("donation", "Give to Rended Heart", "https://rended-heart.example/give")],
    )


@pytest.fixture
def other_organization(db):
    return make_organization("Justice Project KC", services=["meals", "legal"])


@pytest.fixture
def coordinator(organization):
    user = make_user("coordinator@rended-heart.test", "Cora Coordinator")
    Membership.objects.create(user=user, organization=organization)
    return user


@pytest.fixture
def other_coordinator(other_organization):
    user = make_user("coordinator@justice.test", "Otto Outsider")
    Membership.objects.create(user=user, organization=other_organization)
    return user


@pytest.fixture
def volunteer(db):
    return make_user("volunteer@example.test", "Val Volunteer", phone="816-555-0100")


@pytest.fixture
def fake_stripe(settings):
    """The real stripe library, talking to a local fake Stripe API."""
    from tests.stripe_fake import FakeStripe

    fake = FakeStripe().start()
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_SECRET_KEY = "sk_test_hearth"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_hearth"
    yield fake
    fake.stop()


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Deliver a Stripe webhook event; what runs after commit (receipts) runs at once."""
    from tests.needs.donation_helpers import deliver

    def send(body, *, signature=None):
        with django_capture_on_commit_callbacks(execute=True):
            return deliver(client, body, signature=signature)

    return send


def filtered_results(response, filters_set):
    """The part of a list an htmx filter brings: how many filters are set, for the
    summary they fold under (swapped out of band), then the results alone."""
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]
    count, results = response.text.strip().split("\n", 1)
    results = results.lstrip()
    assert count.startswith(
        '<span id="filters-set" class="filters-set" hx-swap-oob="true" data-out-of-band>'
    )
    shown = f"({filters_set} filter{'' if filters_set == 1 else 's'} on)" if filters_set else ""
    assert count.endswith(f">{shown}</span>")
    assert results.startswith('<div id="results"')
    return results


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two gunicorns on the test database, with its cache table, stopped however the
    tests of the module end."""
    with django_db_blocker.unblock(), override_settings(CACHES=SERVER_CACHES):
        call_command("createcachetable")
        assert SERVER_CACHES["default"]["LOCATION"] in connection.introspection.table_names()
    env = server_environment()
    logs = tmp_path_factory.mktemp("servers")
    started = []
    try:
        for name in ("a", "b"):
            started.append(AppServer(env, logs / f"{name}.log"))
        for server in started:
            server.wait_until_up()
        yield started
    finally:
        for server in started:
            server.stop()
