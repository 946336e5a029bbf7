from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from core.lib.sessions import session_for
from core.models import USER_BY_PK, Membership, User

pytestmark = pytest.mark.django_db


def with_session(client, user):
    key = session_for(user)
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return key


def test_a_live_session_logs_its_person_in_and_an_expired_one_does_not(client, volunteer):
    key = with_session(client, volunteer)
    assert client.get(reverse("volunteers:my_shifts")).status_code == 200
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    page = client.get(reverse("volunteers:my_shifts"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))


def test_a_session_key_that_is_not_stored_logs_nobody_in(client, volunteer):
    with_session(client, volunteer)
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    assert client.get(reverse("volunteers:my_shifts")).status_code == 302


def test_the_header_links_whoever_coordinates_and_only_them_to_the_manage_pages(
    client, volunteer, organization
):
    manage = f'href="{reverse("core:manage_index")}"'
    with_session(client, volunteer)
    assert manage not in client.get(reverse("core:help")).text
    Membership.objects.create(user=volunteer, organization=organization)
    assert manage in client.get(reverse("core:help")).text
    Membership.objects.filter(user=volunteer).delete()
    assert manage not in client.get(reverse("core:help")).text


def test_a_logged_in_page_asks_only_for_the_session_and_the_user_with_the_header_check(
    client, volunteer, organization, django_assert_num_queries
):
    manage = f'href="{reverse("core:manage_index")}"'
    with_session(client, volunteer)
    with django_assert_num_queries(2):
        assert manage not in client.get(reverse("core:help")).text
    Membership.objects.create(user=volunteer, organization=organization)
    with django_assert_num_queries(2):
        assert manage in client.get(reverse("core:help")).text


def test_a_user_loaded_another_way_still_knows_whether_they_coordinate(volunteer, organization):
    assert User.objects.get(email=volunteer.email).manages is False
    Membership.objects.create(user=volunteer, organization=organization)
    assert User.objects.get(email=volunteer.email).manages is True


def test_the_sessions_user_is_loaded_whole_by_key_in_one_query(
    volunteer, django_assert_num_queries
):
    with django_assert_num_queries(1):
        loaded = User.objects.get(pk=str(volunteer.pk))
    assert loaded == volunteer
    assert (loaded.email, loaded.name, loaded.phone) == (
        volunteer.email,
        volunteer.name,
        volunteer.phone,
    )
    assert loaded.get_deferred_fields() == set()
    assert not loaded._state.adding
    # Through the prepared query, compiled once for the process.
    assert USER_BY_PK.compiled


@pytest.mark.parametrize("pk", [0, 2**63, "9" * 30])
def test_a_user_key_that_cannot_exist_finds_nobody(volunteer, pk):
    with pytest.raises(User.DoesNotExist, match="User matching query does not exist"):
        User.objects.get(pk=pk)


def test_other_user_lookups_are_the_orms(volunteer):
    assert User.objects.get(email=volunteer.email) == volunteer
    assert User.objects.get(pk=volunteer.pk, is_active=True) == volunteer
    with pytest.raises(ValueError):
        User.objects.get(pk="not a number")


def test_a_session_whose_person_was_deleted_logs_nobody_in(client, volunteer):
    with_session(client, volunteer)
    volunteer.delete()
    assert client.get(reverse("volunteers:my_shifts")).status_code == 302
