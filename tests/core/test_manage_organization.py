import pytest
from django.urls import reverse

from core.models import OrganizationLink

pytestmark = pytest.mark.django_db


def edit_url(organization):
    return reverse("core:organization_edit", args=[organization.slug])


def form_data(**overrides):
    data = {
        "summary": "Short-term care with therapy and housing.",
        "summary_es": "",
        "mission": "We help survivors replace IDs and reach care.",
        "mission_es": "",
        "address": "",
        "phone": "816-555-0199",
        "email": "hello@rended-heart.example",
        "website": "https://rended-heart.example/",
        "legal_name": "Rended Heart Inc.",
        "ein": "12-3456789",
        "services": ["housing", "ids"],
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "10",
        "links-0-kind": "wishlist",
        "links-0-label": "Our store wishlist",
        "links-0-url": "https://store.example/list/rended",
    }
    data.update(overrides)
    return data


def test_coordinator_updates_the_profile_services_and_links(client, organization, coordinator):
    organization.links.all().delete()
    client.force_login(coordinator)
    response = client.post(edit_url(organization), form_data())
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.phone == "816-555-0199"
    assert organization.ein == "12-3456789"
    assert sorted(s.service for s in organization.services.all()) == ["housing", "ids"]
    link = organization.links.get()
    assert (link.kind, link.url) == ("wishlist", "https://store.example/list/rended")


def test_htmx_save_answers_with_the_form_fragment_and_a_message(client, organization, coordinator):
    organization.links.all().delete()
    client.force_login(coordinator)
    response = client.post(edit_url(organization), form_data(), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="editor"')
    assert "Rended Heart has been updated." in response.text
    assert 'hx-swap-oob="true"' in response.text


def test_bad_input_is_explained_and_what_was_typed_is_kept(client, organization, coordinator):
    client.force_login(coordinator)
    response = client.post(
        edit_url(organization),
        form_data(ein="123", **{"links-0-url": "not a web address"}),
    )
    assert response.status_code == 200
    assert "Enter the EIN as 12-3456789." in response.text
    assert "Enter a valid URL." in response.text
    assert 'value="123"' in response.text
    assert 'value="Our store wishlist"' in response.text
    organization.refresh_from_db()
    assert organization.ein == ""


def test_coordinator_of_another_organization_cannot_see_or_edit_it(
    client, organization, other_coordinator
):
    client.force_login(other_coordinator)
    assert client.get(edit_url(organization)).status_code == 404
    response = client.post(edit_url(organization), form_data(phone="000-000-0000"))
    assert response.status_code == 404
    organization.refresh_from_db()
    assert organization.phone == ""
    assert not OrganizationLink.objects.filter(label="Our store wishlist").exists()


def test_a_volunteer_cannot_edit_an_organization(client, organization, volunteer):
    client.force_login(volunteer)
    assert client.get(edit_url(organization)).status_code == 404
    assert client.get(reverse("core:manage_index")).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, organization):
    response = client.get(edit_url(organization))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_manage_index_lists_only_the_coordinators_organizations(
    client, organization, other_organization, coordinator
):
    client.force_login(coordinator)
    response = client.get(reverse("core:manage_index"))
    assert "Rended Heart" in response.text
    assert "Justice Project KC" not in response.text
