import pytest
from django.urls import reverse

from core.models import Organization
from tests.conftest import filtered_results, make_organization

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("core:organization_list")


def make_many(start, stop):
    for i in range(start, stop):
        make_organization(
            f"Org {i:04}",
            services=["housing", "meals"] if i % 2 else ["legal"],
            links=[("donation", f"Give {i}", f"https://org{i}.example/give")],
        )


def test_directory_lists_published_organizations_only(client, organization):
    make_organization("Hidden House", published=False)
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    assert "Rended Heart" in response.text
    assert "Hidden House" not in response.text


def test_directory_filters_by_name_and_service(client, organization, other_organization):
    response = client.get(DIRECTORY, {"q": "justice"})
    assert "Justice Project KC" in response.text
    assert "Rended Heart" not in response.text

    response = client.get(DIRECTORY, {"service": "housing"})
    assert "Rended Heart" in response.text
    assert "Justice Project KC" not in response.text
    assert "1 organization" in response.text


def test_directory_ignores_an_unknown_service_and_keeps_the_search(client, organization):
    response = client.get(DIRECTORY, {"q": "rended", "service": "spaceships"})
    assert response.status_code == 200
    assert "Rended Heart" in response.text
    assert 'value="rended"' in response.text


def test_htmx_filter_answers_with_the_results_fragment_only(client, organization):
    response = client.get(DIRECTORY, {"q": "rended"}, headers={"HX-Request": "true"})
    assert "Rended Heart" in filtered_results(response, filters_set=1)
    response = client.get(
        DIRECTORY, {"q": "rended", "service": "meals"}, headers={"HX-Request": "true"}
    )
    filtered_results(response, filters_set=2)
    response = client.get(DIRECTORY, {"q": ""}, headers={"HX-Request": "true"})
    assert "Rended Heart" in filtered_results(response, filters_set=0)
    # Blanks and a service that is not one filter nothing, so they count for nothing.
    response = client.get(
        DIRECTORY, {"q": "  ", "service": "spaceships"}, headers={"HX-Request": "true"}
    )
    assert "Rended Heart" in filtered_results(response, filters_set=0)


def test_directory_runs_the_same_number_of_queries_with_700_organizations(
    client, django_assert_num_queries
):
    make_many(0, 7)
    with django_assert_num_queries(2) as small:
        client.get(DIRECTORY)
    make_many(7, 700)
    assert Organization.objects.count() == 700
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(DIRECTORY)
    assert "700 organizations" in response.text


def test_organization_page_shows_facts_services_and_outside_links(client, organization):
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    assert "Housing" in response.text
    assert 'href="https://rended-heart.example/give" target="_blank" rel="noopener noreferrer"' in (
        response.text
    )


def test_organization_page_shows_the_spanish_summary_in_spanish(client, organization):
    organization.summary_es = "Atención inmediata y a corto plazo."
    organization.save()
    response = client.get(f"/es{organization.get_absolute_url()}")
    assert "Atención inmediata y a corto plazo." in response.text


def test_unknown_organization_is_a_friendly_404(client):
    response = client.get(reverse("core:organization_detail", args=["no-such-place"]))
    assert response.status_code == 404
    assert "We could not find that page" in response.text
    assert 'id="quick-exit"' in response.text


def test_unpublished_organization_is_hidden_from_the_public_but_not_its_coordinator(
    client, organization, coordinator
):
    organization.is_published = False
    organization.save()
    assert client.get(organization.get_absolute_url()).status_code == 404
    client.force_login(coordinator)
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    assert "not published yet" in response.text


def test_organization_page_runs_the_same_number_of_queries_with_700_organizations(
    client, django_assert_num_queries, django_assert_max_num_queries
):
    make_many(0, 7)
    url = reverse("core:organization_detail", args=["org-0003"])
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    make_many(7, 700)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_give_money_lists_organizations_with_their_own_donation_pages(client, organization):
    response = client.get(reverse("core:give_money"))
    assert response.status_code == 200
    assert 'href="https://rended-heart.example/give"' in response.text
    assert reverse("needs:donate", args=[organization.slug]) not in response.text


def test_give_money_offers_donate_for_organizations_connected_to_stripe(client, organization):
    organization.stripe_account_id = "acct_1"
    organization.stripe_charges_enabled = True
    organization.save()
    response = client.get(reverse("core:give_money"))
    assert reverse("needs:donate", args=[organization.slug]) in response.text
