import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from core.lib.urls import reverse_pk

ROUTES = ["volunteers:shift_detail", "volunteers:roster_update", "needs:need_detail"]


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", ROUTES)
def test_a_rows_url_is_the_one_reverse_writes_in_each_language(name, language):
    with translation.override(language):
        for pk in [1, 7, 40001, 7_301_946_528_193_065]:
            assert reverse_pk(name, pk) == reverse(name, args=[pk])


def test_the_language_switch_changes_the_url_it_writes():
    with translation.override("es"):
        spanish = reverse_pk("volunteers:shift_detail", 3)
    with translation.override("en"):
        english = reverse_pk("volunteers:shift_detail", 3)
    assert spanish.startswith("/es/")
    assert english != spanish


def test_a_site_served_under_a_path_keeps_it(script_prefix):
    script_prefix("/hearth/")
    with translation.override("en"):
        assert reverse_pk("volunteers:shift_detail", 12) == "/hearth/shifts/12/"
        assert reverse_pk("volunteers:shift_detail", 12) == reverse(
            "volunteers:shift_detail", args=[12]
        )


def test_a_key_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError):
        reverse_pk("volunteers:shift_detail", "12/../admin")


def test_a_route_without_one_key_is_not_reversed():
    with pytest.raises(NoReverseMatch):
        reverse_pk("volunteers:shift_list", 1)
