import pytest
from django.urls import reverse

from core.models import Organization
from needs.models import Need
from tests.conftest import filtered_results, make_organization, make_user

from .conftest import in_days, make_need, make_pledge

pytestmark = pytest.mark.django_db

NEEDS = reverse("needs:need_list")


def test_lists_open_needs_of_published_organizations_only(client, organization):
    make_need(organization, "Hygiene kits")
    make_need(organization, "Old coats", status=Need.Status.PAUSED)
    make_need(organization, "Winter hats", status=Need.Status.ARCHIVED)
    make_need(make_organization("Hidden House", published=False), "Secret sheets")
    response = client.get(NEEDS)
    assert response.status_code == 200
    assert "Hygiene kits" in response.text
    for hidden in ["Old coats", "Winter hats", "Secret sheets"]:
        assert hidden not in response.text
    assert "1 need" in response.text


def test_urgent_needs_come_first(client, organization):
    make_need(organization, "Normal towels")
    make_need(organization, "Urgent socks", priority="urgent")
    make_need(organization, "High soap", priority="high")
    text = client.get(NEEDS).text
    assert text.index("Urgent socks") < text.index("High soap") < text.index("Normal towels")


def test_filters_by_organization_category_priority_and_words(
    client, organization, other_organization
):
    make_need(organization, "Bus passes", category="gift_cards", priority="urgent")
    make_need(organization, "Pillows", category="bedding")
    make_need(other_organization, "Warm socks", category="clothing", priority="urgent")
    assert "Warm socks" not in client.get(NEEDS, {"organization": "rended-heart"}).text
    text = client.get(NEEDS, {"category": "bedding"}).text
    assert "Pillows" in text and "Bus passes" not in text
    text = client.get(NEEDS, {"priority": "urgent"}).text
    assert "Bus passes" in text and "Warm socks" in text and "Pillows" not in text
    text = client.get(NEEDS, {"q": "socks"}).text
    assert "Warm socks" in text and "Pillows" not in text


def test_unknown_filter_values_are_ignored_and_the_search_kept(client, organization):
    make_need(organization, "Pillows", category="bedding")
    response = client.get(NEEDS, {"q": "pill", "category": "spaceships", "page": "x"})
    assert response.status_code == 200
    assert "Pillows" in response.text
    assert 'value="pill"' in response.text


def test_htmx_filter_answers_with_the_results_only(client, organization):
    make_need(organization, "Pillows", category="bedding")
    response = client.get(NEEDS, {"q": "pill"}, headers={"HX-Request": "true"})
    assert "Pillows" in filtered_results(response, filters_set=1)
    response = client.get(
        NEEDS,
        {"q": "pill", "category": "bedding", "priority": "", "page": "1"},
        headers={"HX-Request": "true"},
    )
    assert "Pillows" in filtered_results(response, filters_set=2)


def test_progress_shows_received_and_pledged_against_needed(client, organization):
    need = make_need(organization, quantity_needed=40, unit="packs of 10")
    make_pledge(need, donor=make_user("d@example.test"), quantity=8)
    text = client.get(NEEDS).text
    assert '<progress class="need-progress__covered" max="40" value="8"' in text
    assert '<progress class="need-progress__received" max="40" value="0"' in text
    assert "0 received, 8 pledged, 40 needed (packs of 10)" in text


def test_a_fully_pledged_need_shows_thanks_instead_of_a_pledge_button(client, organization):
    need = make_need(organization, quantity_needed=2)
    make_pledge(need, donor=make_user("d@example.test"), quantity=2)
    text = client.get(NEEDS).text
    assert "Fully pledged" in text
    assert f'href="{need.get_absolute_url()}">Pledge' not in text


def make_many(organizations, per_organization, start=0):
    donor = make_user(f"many{start}@example.test")
    for organization in organizations:
        for i in range(start, start + per_organization):
            need = make_need(organization, f"{organization.slug} item {i}", needed_by=in_days(9))
            make_pledge(need, donor=donor, quantity=1)


def test_list_runs_the_same_number_of_queries_with_ten_times_the_needs(
    client, django_assert_num_queries
):
    organizations = [make_organization(f"Org {i}") for i in range(3)]
    make_many(organizations, 2)
    with django_assert_num_queries(3) as small:
        client.get(NEEDS)
    make_many(organizations, 18, start=2)
    assert Need.objects.count() == 60
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(NEEDS)
    assert "60 needs" in response.text
    assert Organization.objects.count() == 3


def test_the_list_pages_with_filters_kept(client, organization):
    for i in range(30):
        make_need(organization, f"Item {i:02}", category="bedding")
    response = client.get(NEEDS, {"category": "bedding", "page": "2"})
    assert "Page 2 of 2" in response.text
    assert "?category=bedding&amp;page=1" in response.text
