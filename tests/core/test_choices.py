from django.utils import translation

from volunteers.models import Shift, SignUp


def test_a_choice_reads_as_its_label_in_the_visitors_language():
    shift = Shift(kind=Shift.Kind.TRANSPORT)
    place = SignUp(shift=shift, status=SignUp.Status.WAITLISTED)
    assert (shift.get_kind_display(), place.get_status_display()) == (
        "Transport",
        "On the waitlist",
    )
    with translation.override("es"):
        assert (shift.get_kind_display(), place.get_status_display()) == (
            "Transporte",
            "En la lista de espera",
        )


def test_a_value_that_is_no_longer_a_choice_reads_as_itself():
    assert Shift(kind="bicycle").get_kind_display() == "bicycle"
    assert SignUp(status="").get_status_display() == ""
