"""Every coordinator page and action refuses outsiders: a coordinator of another
organization and a plain volunteer get 404, an anonymous visitor is sent to log in,
and nothing changes."""

import pytest
from django.urls import reverse

from needs.models import DropOff, Need, Pledge, Receipt

from .conftest import in_days, make_pledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_data(organization, need, donor, dropoff):
    pledge = make_pledge(need, donor=donor, quantity=3, expected_on=in_days(-9))
    slug = organization.slug
    return {
        "need": need,
        "pledge": pledge,
        "get": [
            reverse("needs:manage_needs", args=[slug]),
            reverse("needs:receive", args=[slug]),
            reverse("needs:dropoff_edit", args=[slug]),
            reverse("needs:spreadsheets", args=[slug]),
            reverse("needs:needs_import", args=[slug]),
            reverse("needs:needs_export", args=[slug, "csv"]),
            reverse("needs:pledges_export", args=[slug, "xlsx"]),
            reverse("needs:need_edit", args=[need.pk]),
        ],
        "post": [
            (
                reverse("needs:manage_needs", args=[slug]),
                {"title": "X", "category": "other", "quantity_needed": "1"},
            ),
            (
                reverse("needs:need_edit", args=[need.pk]),
                {"title": "Hacked", "category": "other", "quantity_needed": "1"},
            ),
            (reverse("needs:need_action", args=[need.pk]), {"action": "archive"}),
            (reverse("needs:pledge_receive", args=[pledge.pk]), {"quantity": "3"}),
            (reverse("needs:pledge_release", args=[pledge.pk]), {}),
            (reverse("needs:walk_in", args=[slug]), {"need": need.pk, "quantity": "5"}),
            (
                reverse("needs:dropoff_edit", args=[slug]),
                {"place": "Hacked", "place_is_public": "on"},
            ),
        ],
    }


def state():
    need = Need.objects.get()
    pledge = Pledge.objects.get()
    dropoff = DropOff.objects.get()
    return (
        Need.objects.count(),
        need.title,
        need.status,
        need.quantity_received,
        pledge.status,
        dropoff.place_is_public,
        Receipt.objects.count(),
    )


@pytest.fixture(params=["other_coordinator", "volunteer"])
def outsider(request):
    return request.getfixturevalue(request.param)


def test_outsiders_get_404_and_change_nothing(client, private_data, outsider):
    client.force_login(outsider)
    before = state()
    for url in private_data["get"]:
        assert client.get(url).status_code == 404, url
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 404, url
    for url, data in private_data["post"]:
        assert client.post(url, data).status_code == 404, url
        assert client.post(url, data, headers={"HX-Request": "true"}).status_code == 404, url
    assert state() == before


def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(client, private_data):
    before = state()
    login = reverse("account_login")
    for url in private_data["get"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(login), url
    for url, data in private_data["post"]:
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith(login), url
    assert state() == before


def test_a_donors_email_is_seen_only_by_the_organizations_coordinators(
    client, private_data, organization, coordinator, other_coordinator, volunteer
):
    public_pages = [
        reverse("needs:need_list"),
        private_data["need"].get_absolute_url(),
        organization.get_absolute_url(),
        reverse("core:home"),
    ]
    for person in [None, volunteer, other_coordinator]:
        if person:
            client.force_login(person)
        for url in public_pages:
            text = client.get(url).text
            assert "donor@example.test" not in text and "Dana Donor" not in text, url
    client.force_login(coordinator)
    assert "donor@example.test" in client.get(private_data["get"][1]).text
    export = client.get(reverse("needs:pledges_export", args=[organization.slug, "csv"]))
    assert "donor@example.test" in export.content.decode()


def test_an_unknown_export_format_is_a_404(client, organization, coordinator):
    client.force_login(coordinator)
    url = reverse("needs:needs_export", args=[organization.slug, "json"])
    assert client.get(url).status_code == 404
