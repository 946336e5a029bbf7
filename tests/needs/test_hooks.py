"""What the needs app adds to core's pages: the organization page, the home page,
the coordinator's manage page and the personal data download."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from needs.apps import ORGANIZATION_NEEDS
from needs.models import DropOff, Need
from tests.conftest import make_organization, make_user

from .conftest import make_need, make_pledge

pytestmark = pytest.mark.django_db


def test_organization_page_shows_open_needs_beside_outside_giving_links(
    client, organization, dropoff
):
    organization.links.create(
        kind="wishlist", label="Our store list", url="https://store.example/l"
    )
    organization.links.create(kind="other", label="Our blog", url="https://blog.example/")
    make_need(organization, "Bus passes", category="gift_cards", quantity_needed=30)
    make_need(organization, "Old coats", status=Need.Status.PAUSED)
    response = client.get(organization.get_absolute_url())
    section = response.text[response.text.index('id="needs-heading"') :]
    section = section[: section.index("</section>")]
    assert "Bus passes" in section
    assert "Old coats" not in section
    assert "0 received, 0 pledged, 30 needed" in section
    assert '<a href="https://store.example/l" target="_blank" rel="noopener noreferrer">' in section
    assert (
        '<a href="https://rended-heart.example/give" target="_blank" rel="noopener noreferrer">'
        in section
    )
    assert "blog.example" not in section
    assert "Mon-Fri 9am-4pm" in section
    assert "12 Main St" not in response.text


def test_a_public_drop_off_place_is_shown(client, organization, dropoff):
    DropOff.objects.filter(pk=dropoff.pk).update(place_is_public=True)
    assert "Front office, 12 Main St" in client.get(organization.get_absolute_url()).text


def test_organization_with_no_needs_says_so(client, organization):
    assert "No open needs right now." in client.get(organization.get_absolute_url()).text


def fill(organization, count, start=0):
    donor = make_user(f"bulk{start}@example.test")
    for i in range(start, start + count):
        need = make_need(organization, f"Item {i}", quantity_needed=20)
        make_pledge(need, donor=donor, quantity=2)
        make_pledge(need, quantity=1)


def test_organization_page_runs_the_same_number_of_queries_with_ten_times_the_needs(
    client, organization, dropoff, django_assert_num_queries
):
    fill(organization, 3)
    url = organization.get_absolute_url()
    # Core's page and other apps' sections query too: what matters is that it stays flat.
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    assert sum('"needs_' in query["sql"] for query in small.captured_queries) == 3
    fill(organization, 27, start=3)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.text.count('class="card need-card"') == ORGANIZATION_NEEDS


def test_organization_page_shows_the_most_pressing_needs_and_links_to_all(
    client, organization, other_organization
):
    for i in range(ORGANIZATION_NEEDS + 3):
        make_need(organization, f"Everyday item {i}")
    make_need(organization, "Winter boots", priority="urgent")
    make_need(other_organization, "Someone else's blankets")

    page = client.get(organization.get_absolute_url()).text
    section = page[page.index('id="needs-heading"') :]

    assert section.count('class="card need-card"') == ORGANIZATION_NEEDS
    assert section.index("Winter boots") < section.index("Everyday item")
    link = f'href="{reverse("needs:need_list")}?organization={organization.slug}"'
    assert link in section and f"See every need of {organization.name}" in section
    every = client.get(f"{reverse('needs:need_list')}?organization={organization.slug}").text
    assert every.count('class="card need-card"') == ORGANIZATION_NEEDS + 4
    assert "Someone else's blankets" not in every


def test_urgent_needs_lead_the_home_page_with_constant_queries(
    client, organization, django_assert_num_queries
):
    make_need(organization, "Normal towels")
    assert "Needed urgently" not in client.get(reverse("core:home")).text
    donor = make_user("bulk@example.test")
    for i in range(3):
        make_need(organization, f"Urgent item {i}", priority="urgent")
    fully_pledged = make_need(
        organization, "Urgent but covered", priority="urgent", quantity_needed=1
    )
    make_pledge(fully_pledged, donor=donor, quantity=1)
    make_need(make_organization("Hidden", published=False), "Urgent hidden", priority="urgent")
    with CaptureQueriesContext(connection) as small:
        text = client.get(reverse("core:home")).text
    assert sum('"needs_' in query["sql"] for query in small.captured_queries) == 1
    assert "Needed urgently" in text
    assert "Urgent item 0" in text and "Rended Heart" in text
    assert "Normal towels" not in text
    assert "Urgent but covered" not in text
    assert "Urgent hidden" not in text
    for i in range(3, 30):
        make_need(organization, f"Urgent item {i}", priority="urgent")
    with django_assert_num_queries(len(small.captured_queries)):
        text = client.get(reverse("core:home")).text
    assert text.count('class="card need-card"') == 6


def test_the_manage_page_links_to_the_needs_pages(client, organization, coordinator):
    client.force_login(coordinator)
    text = client.get(reverse("core:manage_index")).text
    for name in ["manage_needs", "receive", "dropoff_edit", "spreadsheets"]:
        assert reverse(f"needs:{name}", args=[organization.slug]) in text


def test_a_donors_data_download_lists_their_pledges(client, need, donor):
    make_pledge(need, donor=donor, quantity=3)
    make_pledge(need, quantity=1)
    client.force_login(donor)
    data = json.loads(client.get(reverse("core:data_export")).content)
    (pledge,) = data["pledges"]
    assert pledge["item"] == "Hygiene kits"
    assert pledge["organization"] == "Rended Heart"
    assert pledge["quantity"] == 3
    assert pledge["status"] == "confirmed"
