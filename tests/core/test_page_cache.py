"""The shared cache of public pages and fragments (core/lib/pagecache.py).

These tests commit their data (transactional_db), as the site does between requests:
inside a transaction that changed public data the cache steps aside. They use the
database cache of production, so a cache read shows up as one SQL query.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.lib.pagecache import CSRF_PLACEHOLDER
from needs.models import Need
from tests.conftest import PASSWORD, filtered_results, make_organization, make_user
from tests.volunteers.conftest import make_shift
from volunteers.models import SignUp

pytestmark = pytest.mark.django_db(transaction=True)

SHIFTS = reverse("volunteers:shift_list")


@pytest.fixture(autouse=True)
def _database_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hearth_cache",
        },
    }
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()


@pytest.fixture
def organization():
    return make_organization("Rended Heart")


def soon(days):
    return timezone.now().replace(microsecond=0) + timedelta(days=days)


def token_in(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_an_anonymous_visitor_is_served_the_cached_page_in_one_query(
    client, organization, django_assert_num_queries
):
    make_shift(organization, start=soon(2), title="Soup night")
    first = client.get(SHIFTS)

    with django_assert_num_queries(1):
        second = Client().get(SHIFTS)

    assert "Soup night" in second.text
    assert second.text.replace(token_in(second.text), "") == first.text.replace(
        token_in(first.text), ""
    )


def test_the_cached_list_costs_one_query_with_ten_times_the_shifts(
    organization, django_assert_num_queries
):
    for size in (5, 50):
        for i in range(size - len(organization.shifts.all())):
            make_shift(organization, start=soon(1 + i % 20), title=f"Shift {i}")
        Client().get(SHIFTS)
        with django_assert_num_queries(1):
            Client().get(SHIFTS)


def test_each_visitor_gets_a_csrf_token_of_their_own_that_works(organization):
    Client().get(SHIFTS)
    visitor = Client(enforce_csrf_checks=True)

    html = visitor.get(SHIFTS).text

    assert CSRF_PLACEHOLDER not in html
    assert "csrftoken" in visitor.cookies
    switched = visitor.post(
        reverse("set_language"),
        {"language": "es", "next": SHIFTS, "csrfmiddlewaretoken": token_in(html)},
    )
    assert switched.status_code == 302
    assert switched["Location"] == "/es/shifts/"


def test_english_and_spanish_pages_are_cached_apart(client, organization):
    make_shift(organization, start=soon(2))
    client.get(SHIFTS)
    client.get("/es/shifts/")

    english, spanish = Client().get(SHIFTS).text, Client().get("/es/shifts/").text

    assert "Find a shift" in english and "Find a shift" not in spanish
    assert 'lang="es"' in spanish and 'lang="en"' in english


def test_the_htmx_answer_and_the_whole_page_are_cached_apart(client, organization):
    client.get(SHIFTS, headers={"HX-Request": "true"})

    whole = Client().get(SHIFTS)
    region = Client().get(SHIFTS, headers={"HX-Request": "true"})

    assert whole.text.lstrip().startswith("<!doctype html>")
    filtered_results(region, filters_set=0)


def test_a_saved_change_shows_on_the_next_request(client, organization):
    shift = make_shift(organization, start=soon(2), title="Soup night")
    assert "Soup night" in client.get(SHIFTS).text

    shift.title = "Chili night"
    shift.save()

    assert "Chili night" in Client().get(SHIFTS).text


def test_a_sign_up_updates_the_spots_left_on_the_cached_pages(client, organization):
    shift = make_shift(organization, start=soon(2), capacity=3)
    page = reverse("core:organization_detail", args=[organization.slug])
    assert "3 of 3 spots left" in client.get(page).text

    SignUp.objects.create(
        shift=shift, volunteer=make_user("v@example.test"), status=SignUp.Status.CONFIRMED
    )

    assert "2 of 3 spots left" in Client().get(page).text


def test_a_new_need_shows_on_the_cached_needs_list(client, organization):
    needs = reverse("needs:need_list")
    assert "Bus passes" not in client.get(needs).text

    Need.objects.create(
        organization=organization, title="Bus passes", category="gift_cards", quantity_needed=10
    )

    assert "Bus passes" in Client().get(needs).text


def test_a_shift_that_started_leaves_the_cached_list_within_the_time_limit(client, organization):
    make_shift(organization, start=timezone.now() + timedelta(seconds=30), title="Soup night")
    assert "Soup night" in client.get(SHIFTS).text

    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert "Soup night" not in Client().get(SHIFTS).text


def test_a_logged_in_volunteer_never_gets_the_anonymous_page(client, organization):
    make_user("val@example.test")
    client.get(SHIFTS)
    volunteer = Client()
    volunteer.login(email="val@example.test", password=PASSWORD)

    html = volunteer.get(SHIFTS).text

    assert 'action="/accounts/logout/"' in html
    assert 'action="/accounts/logout/"' not in Client().get(SHIFTS).text


def test_logged_in_volunteers_share_the_cached_results_but_not_their_pages(
    organization, django_assert_num_queries
):
    make_shift(organization, start=soon(2), title="Soup night")
    make_user("ana@example.test")
    make_user("ben@example.test")
    ana, ben = Client(), Client()
    ana.login(email="ana@example.test", password=PASSWORD)
    ben.login(email="ben@example.test", password=PASSWORD)
    ana.get(SHIFTS)

    ana.get(SHIFTS, headers={"HX-Request": "true"})

    # The session, the user with the header's "Manage" check, and one cache read: the
    # filters with the results, or for htmx the results alone.
    with django_assert_num_queries(3):
        html = ben.get(SHIFTS).text
    with django_assert_num_queries(3):
        results = ben.get(SHIFTS, headers={"HX-Request": "true"}).text

    assert "Soup night" in html and "Soup night" in results
    assert 'action="/accounts/logout/"' in html
    assert CSRF_PLACEHOLDER not in html


def test_a_message_for_one_visitor_is_never_cached_for_the_next(client, organization):
    make_user("val@example.test")
    client.login(email="val@example.test", password=PASSWORD)
    client.post(reverse("account_logout"))

    home = client.get(reverse("core:home")).text
    assert "You have logged out." in home

    assert "You have logged out." not in Client().get(reverse("core:home")).text


def test_an_unpublished_organization_stays_hidden_after_a_visit(client):
    hidden = make_organization("Hidden House", published=False)
    page = reverse("core:organization_detail", args=[hidden.slug])

    assert client.get(page).status_code == 404
    assert Client().get(page).status_code == 404
