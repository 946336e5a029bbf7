import json

import pytest
from django.urls import reverse

from core.models import Membership, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_volunteer_updates_name_and_phone(client, volunteer):
    client.force_login(volunteer)
    response = client.post(
        reverse("core:profile"), {"name": "Valeria V.", "phone": "913-555-0123", "language": "es"}
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.name, volunteer.phone, volunteer.language) == (
        "Valeria V.",
        "913-555-0123",
        "es",
    )


def test_a_bad_phone_number_is_explained_and_kept(client, volunteer):
    client.force_login(volunteer)
    response = client.post(
        reverse("core:profile"), {"name": "Val", "phone": "call me maybe", "language": "en"}
    )
    assert response.status_code == 200
    assert "Enter a phone number" in response.text
    assert 'value="call me maybe"' in response.text
    volunteer.refresh_from_db()
    assert volunteer.phone == "816-555-0100"


def test_profile_needs_a_login(client):
    response = client.get(reverse("core:profile"))
    assert response.status_code == 302


def test_volunteer_downloads_all_their_data_as_json(client, volunteer, organization):
    Membership.objects.create(user=volunteer, organization=organization)
    client.force_login(volunteer)
    response = client.get(reverse("core:data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "volunteer@example.test"
    assert data["account"]["phone"] == "816-555-0100"
    assert data["email_addresses"] == [
        {"email": "volunteer@example.test", "verified": True, "primary": True}
    ]
    assert data["memberships"] == [{"organization": "Rended Heart", "role": "coordinator"}]


def test_data_download_needs_a_login(client):
    assert client.get(reverse("core:data_export")).status_code == 302


def test_deleting_the_account_needs_the_right_password(client, volunteer):
    client.force_login(volunteer)
    response = client.post(reverse("core:account_delete"), {"password": "wrong"})
    assert response.status_code == 200
    assert "That password is not correct." in response.text
    assert User.objects.filter(pk=volunteer.pk).exists()


def test_volunteer_deletes_their_account_and_is_logged_out(client, volunteer):
    client.force_login(volunteer)
    response = client.post(reverse("core:account_delete"), {"password": PASSWORD}, follow=True)
    assert not User.objects.filter(email="volunteer@example.test").exists()
    assert "Your account and your personal data have been deleted." in response.text
    assert client.get(reverse("core:profile")).status_code == 302
