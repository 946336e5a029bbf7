import pytest
from django.urls import reverse

from core.models import Membership, OrganizationLink
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


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


def test_a_link_gets_a_spanish_label_that_spanish_pages_show(client, organization, coordinator):
    organization.links.all().delete()
    client.force_login(coordinator)
    data = form_data(
        **{
            "links-0-kind": "donation",
            "links-0-label": "Give to Rended Heart",
            "links-0-label_es": "Donar a Rended Heart",
            "links-0-url": "https://rended-heart.example/give",
        }
    )
    assert 'name="links-0-label_es"' in client.get(edit_url(organization)).text
    assert client.post(edit_url(organization), data).status_code == 302
    client.logout()
    english = client.get(reverse("core:give_money")).text
    spanish = client.get("/es" + reverse("core:give_money")).text
    assert "Give to Rended Heart" in english and "Donar a Rended Heart" not in english
    assert "Donar a Rended Heart" in spanish and "Give to Rended Heart" not in spanish


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


def assert_organization_unchanged(organization):
    organization.refresh_from_db()
    assert (organization.phone, organization.ein, organization.legal_name) == ("", "", "")
    assert sorted(s.service for s in organization.services.all()) == ["housing", "transport"]
    assert [link.label for link in organization.links.all()] == ["Give to Rended Heart"]
    assert not OrganizationLink.objects.filter(label="Our store wishlist").exists()


@pytest.mark.parametrize("outsider", ["other_coordinator", "volunteer"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_outsider_cannot_see_or_edit_the_organization(
    client, organization, request, outsider, headers
):
    """Another organization's coordinator and a plain volunteer alike."""
    client.force_login(request.getfixturevalue(outsider))
    assert client.get(edit_url(organization), headers=headers).status_code == 404
    response = client.post(edit_url(organization), form_data(phone="000-000-0000"), headers=headers)
    assert response.status_code == 404
    assert "000-000-0000" not in response.text
    assert_organization_unchanged(organization)


def test_a_volunteer_has_no_manage_page(client, volunteer):
    client.force_login(volunteer)
    assert client.get(reverse("core:manage_index")).status_code == 404


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_anonymous_visitor_is_sent_to_log_in(client, organization, headers):
    for response in [
        client.get(edit_url(organization), headers=headers),
        client.post(edit_url(organization), form_data(phone="000-000-0000"), headers=headers),
    ]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert_organization_unchanged(organization)


def test_manage_index_lists_only_the_coordinators_organizations(
    client, organization, other_organization, coordinator
):
    client.force_login(coordinator)
    response = client.get(reverse("core:manage_index"))
    assert "Rended Heart" in response.text
    assert "Justice Project KC" not in response.text


@pytest.mark.parametrize("role", [Membership.Role.COORDINATOR, Membership.Role.ADMIN])
def test_the_django_admin_refuses_a_coordinator_who_is_not_site_staff(
    client, organization, coordinator, role
):
    """Coordinators manage their organization through /manage/; the admin is for site staff,
    whatever a coordinator's role in their organization."""
    Membership.objects.filter(user=coordinator).update(role=role)
    client.force_login(coordinator)
    admin_login = reverse("admin:login")
    change = reverse("admin:core_organization_change", args=[organization.pk])
    for url in [
        reverse("admin:index"),
        change,
        reverse("admin:core_user_changelist"),
        reverse("admin:volunteers_signup_changelist"),
        reverse("admin:needs_donation_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{admin_login}?next={url}"
    response = client.post(change, {"name": organization.name, "phone": "000-000-0000"})
    assert response.status_code == 302
    assert response["Location"].startswith(admin_login)
    assert_organization_unchanged(organization)
    page = client.get(admin_login, {"next": reverse("admin:index")})
    assert "but are not authorized to access this page" in page.text

    # Their own email and password do not open the admin either.
    client.logout()
    response = client.post(
        admin_login, {"username": coordinator.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 200
    assert "the correct email address and password for a staff account" in response.text
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_django_admin_opens_for_site_staff(client):
    client.force_login(make_user("staff@example.test", is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize(
    ("name", "current"),
    [
        ("volunteers:manage_shifts", "Shifts"),
        ("volunteers:verifications", "Verifications"),
        ("volunteers:hours_report", "Hours report"),
        ("volunteers:shift_import", "Spreadsheets"),
        ("needs:manage_needs", "Needs"),
        ("needs:receive", "Receive"),
        ("needs:dropoff_edit", "Drop-off settings"),
        ("needs:manage_donations", "Donations"),
    ],
)
def test_each_management_page_shows_where_it_is_in_the_same_navigation(
    client, organization, coordinator, name, current
):
    client.force_login(coordinator)
    page = client.get(reverse(name, args=[organization.slug])).text
    nav = page.split('<nav class="manage-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'aria-current="page">{current}</a>' in nav
    assert nav.count('aria-current="page"') == 1
    assert f'<a href="{reverse("core:manage_index")}">All management pages</a>' in nav
