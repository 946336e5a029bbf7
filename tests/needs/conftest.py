import datetime
import re

import pytest
from django.core import signing
from django.utils import timezone

from needs import services
from needs.models import PLEDGE_TOKEN_SALT, DropOff, Need, Pledge
from tests.conftest import make_user


def make_need(organization, title="Hygiene kits", **extra):
    extra.setdefault("category", "hygiene")
    extra.setdefault("quantity_needed", 10)
    return Need.objects.create(organization=organization, title=title, **extra)


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def pledge_linked_from(text):
    """The pledge that the signed link in `text` opens. Compared by pledge, not by
    address: the token carries the second it was signed, so two links to the same
    pledge made a moment apart differ."""
    token = re.search(r"/needs/pledges/([^/\s]+)/", text).group(1)
    return Pledge.objects.get(pk=signing.loads(token, salt=PLEDGE_TOKEN_SALT))


def make_pledge(need, donor=None, quantity=2, **extra):
    """A pledge through the service, so the need's totals stay true."""
    extra.setdefault("method", Pledge.Method.DROP_OFF)
    extra.setdefault("expected_on", in_days(3))
    if donor is None:
        extra.setdefault("name", "Gail Guest")
        extra.setdefault("email", "gail@example.test")
    return services.pledge_create(need=need, quantity=quantity, donor=donor, **extra)


@pytest.fixture
def need(organization):
    return make_need(organization, unit="packs of 10")


@pytest.fixture
def donor(db):
    return make_user("donor@example.test", "Dana Donor")


@pytest.fixture
def dropoff(organization):
    return DropOff.objects.create(
        organization=organization,
        place="Front office, 12 Main St",
        place_is_public=False,
        hours="Mon-Fri 9am-4pm",
        instructions="Ring the office bell.",
        shipping_address="Rended Heart, PO Box 12, Kansas City, MO",
    )
