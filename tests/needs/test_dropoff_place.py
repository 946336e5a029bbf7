"""Nothing promises a drop-off place by email unless the organization set one: without
it, every page and email says the organization will get in touch."""

import pytest
from django.core import mail

from needs import tasks
from needs.models import DropOff, Pledge

from .conftest import in_days, make_pledge

pytestmark = pytest.mark.django_db

PROMISE = "Given by email once you pledge."
BEFORE_PLEDGING = "Rended Heart will get in touch about where to bring it once you pledge."
AFTER_PLEDGING = "Rended Heart will get in touch about where to bring it."
SHIP_LATER = "Rended Heart will get in touch about where to ship it."
REPLY = "To ask sooner, reply to this email."


@pytest.fixture
def no_place(organization):
    """Hours and instructions, but no place (nor shipping address) set."""
    return DropOff.objects.create(
        organization=organization, hours="Mon-Fri 9am-4pm", instructions="Ring the office bell."
    )


def html_of(message):
    return message.alternatives[0][0]


@pytest.mark.parametrize("settings_saved", [True, False], ids=["no-place", "no-settings"])
def test_the_need_page_promises_no_address_the_organization_has_not_set(
    client, need, organization, settings_saved
):
    if settings_saved:
        DropOff.objects.create(organization=organization, hours="Mon-Fri 9am-4pm")
    page = client.get(need.get_absolute_url()).text
    assert PROMISE not in page
    assert BEFORE_PLEDGING in page
    assert ("Mon-Fri 9am-4pm" in page) is settings_saved


def test_the_need_page_still_promises_a_private_place_that_is_set(client, need, dropoff):
    page = client.get(need.get_absolute_url()).text
    assert PROMISE in page
    assert "will get in touch" not in page
    assert "12 Main St" not in page


def test_the_organization_page_promises_no_address_it_has_not_set(client, organization, no_place):
    page = client.get(organization.get_absolute_url()).text
    assert PROMISE not in page
    assert BEFORE_PLEDGING in page


@pytest.mark.parametrize("settings_saved", [True, False], ids=["no-place", "no-settings"])
def test_the_pledge_page_says_the_organization_gets_in_touch(
    client, need, donor, organization, settings_saved
):
    if settings_saved:
        DropOff.objects.create(organization=organization, hours="Mon-Fri 9am-4pm")
    pledge = make_pledge(need, donor=donor)
    page = client.get(pledge.get_manage_url()).text
    assert "Where and when" in page
    assert AFTER_PLEDGING in page
    assert PROMISE not in page
    assert ("Mon-Fri 9am-4pm" in page) is settings_saved


def test_the_pledge_page_gives_the_place_once_set(client, need, donor, dropoff):
    page = client.get(make_pledge(need, donor=donor).get_manage_url()).text
    assert "Front office, 12 Main St" in page
    assert "will get in touch" not in page


@pytest.mark.parametrize("org_email", ["", "hello@rended-heart.test"])
def test_the_confirmation_email_matches_the_page(need, donor, no_place, organization, org_email):
    organization.email = org_email
    organization.save()
    make_pledge(need, donor=donor)
    (message,) = mail.outbox
    for body in (message.body, html_of(message)):
        assert AFTER_PLEDGING in body
        assert "Mon-Fri 9am-4pm" in body
        assert "will tell you where" not in body
        # A reply reaches the organization only when it has an email of its own.
        assert (REPLY in body) is bool(org_email)
    assert message.reply_to == ([org_email] if org_email else [])


def test_the_reminder_email_matches_the_page(need, donor, no_place):
    make_pledge(need, donor=donor, expected_on=in_days(-1))
    mail.outbox.clear()
    assert tasks.sweep_pledges() == (1, 0)
    (reminder,) = mail.outbox
    for body in (reminder.body, html_of(reminder)):
        assert AFTER_PLEDGING in body
        assert "will tell you where" not in body


def test_a_shipped_pledge_whose_address_was_removed_hears_from_the_organization(
    client, need, donor, dropoff
):
    pledge = make_pledge(need, donor=donor, method=Pledge.Method.SHIPPING, expected_on=in_days(-1))
    dropoff.shipping_address = ""
    dropoff.save()
    mail.outbox.clear()
    assert tasks.send_pledge_reminder.call(pledge.pk) is True
    (reminder,) = mail.outbox
    for body in (reminder.body, html_of(reminder)):
        assert SHIP_LATER in body
        assert "will tell you where" not in body
    assert SHIP_LATER in client.get(pledge.get_manage_url()).text
