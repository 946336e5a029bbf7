"""Several app servers on one database are one site.

Hearth keeps sessions, the cache (rate limits) and each shift's capacity in the database
so that it can run behind a load balancer. These tests start two real gunicorns, two sync
workers each, on the test database and check that what one server does, the other sees.
"""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import global_settings, settings
from django.contrib.auth.hashers import make_password
from django.core.cache import caches
from django.test import override_settings

from core.lib.sessions import session_for
from core.models import User
from tests.conftest import PASSWORD, make_user
from tests.servers import LOGGED_IN, SERVER_CACHES
from tests.volunteers.conftest import make_shift
from volunteers.models import SignUp

pytestmark = pytest.mark.django_db(transaction=True)

VOLUNTEERS = 200
CAPACITY = 10


@pytest.fixture(autouse=True)
def shared_cache(servers, settings):
    """This process shares the servers' cache, emptied for each test: what a test writes
    retires their cached pages, and no rate limit carries over from another test."""
    settings.CACHES = SERVER_CACHES
    caches["default"].clear()


def test_concurrent_sign_ups_through_two_servers_fill_a_shift_exactly_once(servers, organization):
    """200 volunteers ask at once for 10 places, half through each server: the row lock
    on the shift must hold across processes, so 10 are confirmed and 190 wait."""
    shift = make_shift(organization, capacity=CAPACITY)
    password = make_password(PASSWORD)
    volunteers = User.objects.bulk_create(
        User(email=f"volunteer{n}@example.test", name=f"Volunteer {n}", password=password)
        for n in range(VOLUNTEERS)
    )
    sessions = [session_for(volunteer) for volunteer in volunteers]

    def sign_up(server, session):
        return server.port, server.post(f"/shifts/{shift.pk}/sign-up/", session=session, htmx=True)

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(
            pool.map(sign_up, [servers[n % 2] for n in range(VOLUNTEERS)], sessions, timeout=60)
        )

    assert [answer.status for _port, answer in answers] == [200] * VOLUNTEERS
    assert all("message--success" in answer.text for _port, answer in answers)
    assert sum("You are signed up." in answer.text for _port, answer in answers) == CAPACITY
    served = Counter(port for port, _answer in answers)
    assert served == {server.port: VOLUNTEERS // 2 for server in servers}

    places = SignUp.objects.filter(shift=shift)
    assert Counter(places.values_list("status", flat=True)) == {
        SignUp.Status.CONFIRMED: CAPACITY,
        SignUp.Status.WAITLISTED: VOLUNTEERS - CAPACITY,
    }
    assert Counter(places.active().values_list("volunteer", flat=True)) == {
        volunteer.pk: 1 for volunteer in volunteers
    }


def test_a_login_on_one_server_holds_on_the_other_until_a_logout_on_either(servers):
    """The login form is served by one server and the next page by another: the
    session is in the database, so both know the visitor, and a logout ends it on both."""
    first, second = servers
    # The servers check passwords with Django's own hashers, not the tests' fast one.
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        volunteer = make_user("volunteer@example.test", "Val Volunteer")

    login = first.post("/accounts/login/", {"login": volunteer.email, "password": PASSWORD})
    assert login.status == 302
    session = login.cookies[settings.SESSION_COOKIE_NAME]
    for server in servers:
        page = server.get("/shifts/mine/", session=session)
        assert page.status == 200
        assert LOGGED_IN in page.text

    assert second.post("/accounts/logout/", session=session).status == 302
    for server in servers:
        page = server.get("/shifts/mine/", session=session)
        assert page.status == 302
        assert page.location.startswith("/accounts/login/")


def test_the_hourly_guest_sign_up_limit_counts_sign_ups_on_every_server(servers, organization):
    """The limit lives in the shared cache: three guest sign-ups on one server and two on
    the other use up the five an hour, and the other server refuses the sixth."""
    first, second = servers
    shift = make_shift(organization)
    guest = {"name": "Gus Guest", "email": "gus@example.test"}

    for server in (first, first, first, second, second):
        answer = server.post(f"/shifts/{shift.pk}/sign-up/", guest, htmx=True)
        assert answer.status == 200
        assert "Almost done: open the link we emailed you" in answer.text

    refused = second.post(f"/shifts/{shift.pk}/sign-up/", guest, htmx=True)
    assert refused.status == 200
    assert "Too many sign-ups from here in the last hour" in refused.text
    assert shift.signups.filter(status=SignUp.Status.PENDING).count() == 1
