from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from core.lib.sessions import session_for
from core.models import Membership

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
