"""Sample shifts for the demo (seed_demo). Illustrative only: the organizations are real,
these shifts are not.

Idempotent: shifts are keyed by organization, title and start, and starts count
from the Monday of the current week, so a second run in the same week changes
nothing and a run in a later week adds that week's shifts.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from core.models import User

from .models import Shift, ShiftSeries, SignUp, TransportDetails, Verification

MEAL = Shift.Kind.MEAL
RIDE = Shift.Kind.TRANSPORT
OTHER = Shift.Kind.OTHER
WILLOW_TREE_ROOM = "Willow Tree Room, 3936 Troost, Kansas City, MO"
DROP_IN = "Relentless Pursuit drop-in center, Independence Avenue"
NEUTRAL_POINT = "Front entrance of the Plaza branch library (a neutral meeting point)"

# (organization slug, title, weekday 0=Monday, start, end, first week, weeks, fields)
# fmt: off
SHIFTS = [
    (
        "justice-project-kc",
        "Serve the Willow Tree Room community meal",
        1, time(17), time(19), -1, 7,
        {
            "kind": MEAL, "meal_role": Shift.MealRole.SERVE, "meal_servings": 40, "capacity": 6,
            "place": WILLOW_TREE_ROOM,
            "description": "Set tables, serve a free hot meal to the women who come, and "
            "clean up. No experience needed.",
        },
    ),
    (
        "justice-project-kc",
        "Bring a main dish to the Willow Tree Room",
        3, time(16, 30), time(17, 15), 0, 4,
        {
            "kind": MEAL, "meal_role": Shift.MealRole.BRING, "meal_servings": 40, "capacity": 3,
            "place": WILLOW_TREE_ROOM,
            "dietary_notes": "Please bring one vegetarian dish and label anything with nuts.",
        },
    ),
    (
        "justice-project-kc",
        "Bring dessert to the Willow Tree Room",
        3, time(16, 30), time(17), 1, 1,
        {
            "kind": MEAL, "meal_role": Shift.MealRole.BRING, "meal_servings": 40, "capacity": 1,
            "place": WILLOW_TREE_ROOM,
        },
    ),
    (
        "rended-heart",
        "Volunteer orientation for drivers",
        2, time(18), time(19, 30), 0, 3,
        {
            "kind": OTHER, "capacity": 12, "place": "Rended Heart office, Kansas City, MO",
            "description": "How rides work, safety and confidentiality. Bring your driver's "
            "license and proof of insurance so that we can verify them.",
        },
    ),
    (
        "rended-heart",
        "Ride to a court date",
        2, time(8), time(11), 0, 1,
        {"kind": RIDE, "destination": Shift.Destination.COURT, "place": "Midtown"},
    ),
    (
        "rended-heart",
        "Ride to a medical appointment",
        3, time(13), time(15, 30), 0, 1,
        {"kind": RIDE, "destination": Shift.Destination.MEDICAL, "place": "Northeast"},
    ),
    (
        "rended-heart",
        "Ride to the ID office",
        4, time(10), time(12), 1, 1,
        {
            "kind": RIDE, "destination": Shift.Destination.ID_OFFICE, "place": "Midtown",
            "round_trip": False,
        },
    ),
    (
        "rended-heart",
        "Ride to the dental clinic",
        1, time(9, 30), time(11, 30), 1, 1,
        {"kind": RIDE, "destination": Shift.Destination.DENTAL, "place": "Westport"},
    ),
    (
        "rended-heart",
        "Ride to a job interview",
        0, time(8, 30), time(10), 2, 1,
        {"kind": RIDE, "destination": Shift.Destination.JOB_INTERVIEW, "place": "Downtown"},
    ),
    (
        "relentless-pursuit",
        "Welcome guests at the drop-in center",
        0, time(10), time(14), 0, 4,
        {
            "kind": OTHER, "capacity": 3, "place": DROP_IN, "requires_orientation": True,
            "description": "Greet women who come in, offer coffee and hygiene kits, and help "
            "them find the resources they came for.",
        },
    ),
    (
        "relentless-pursuit",
        "Sort donations at the drop-in center",
        5, time(9), time(12), 0, 3,
        {"kind": OTHER, "capacity": 4, "place": DROP_IN},
    ),
    (
        "veronicas-voice",
        "Sort donated items for Magdalene KC",
        5, time(10), time(12), 1, 2,
        {"kind": OTHER, "capacity": 4, "place": "Veronica's Voice office, Kansas City, KS"},
    ),
    (
        "restoration-house-kc",
        "Farm workday",
        5, time(9), time(13), 1, 2,
        {
            "kind": OTHER, "capacity": 8, "min_age": 18,
            "place": "Restoration House farm, about 30 miles outside Kansas City",
            "description": "Garden, fence and barn work. Wear boots; we provide lunch.",
        },
    ),
]
# fmt: on

RIDE_DEFAULTS = {
    "capacity": 1,
    "requires_driver": True,
    "requires_background_check": True,
    "pickup_window_minutes": 15,
}


def _moment(monday, week, weekday, clock):
    day = monday + timedelta(weeks=week, days=weekday)
    return timezone.make_aware(datetime.combine(day, clock))


def seed(organizations, stdout):
    by_slug = {organization.slug: organization for organization in organizations}
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    count = 0
    for slug, title, weekday, start, end, first, weeks, fields in SHIFTS:
        organization = by_slug[slug]
        fields = {**(RIDE_DEFAULTS if fields["kind"] == RIDE else {}), **fields}
        series = None
        for week in range(first, first + weeks):
            shift, _created = Shift.objects.update_or_create(
                organization=organization,
                title=title,
                start=_moment(monday, week, weekday, start),
                defaults={"end": _moment(monday, week, weekday, end), **fields},
            )
            if weeks > 1:
                series = (
                    series or shift.series or ShiftSeries.objects.create(organization=organization)
                )
                if shift.series_id != series.pk:
                    shift.series = series
                    shift.save(update_fields=["series"])
            if shift.is_transport:
                TransportDetails.objects.update_or_create(
                    shift=shift,
                    defaults={"pickup_point": NEUTRAL_POINT, "ask_for": "Rended Heart front desk"},
                )
            count += 1
    _people(by_slug, monday)
    stdout.write(f"Volunteer shifts: {count} sample shifts.")


def _people(by_slug, monday):
    volunteer = User.objects.filter(email="volunteer@hearth.demo").first()
    newcomer = User.objects.filter(email="newcomer@hearth.demo").first()
    if volunteer is None or newcomer is None:
        return
    rended_heart = by_slug["rended-heart"]
    for kind in [Verification.Kind.BACKGROUND_CHECK, Verification.Kind.DRIVER]:
        Verification.objects.update_or_create(
            volunteer=volunteer,
            organization=rended_heart,
            kind=kind,
            defaults={"expires_on": monday + timedelta(days=365)},
        )
    meal = "Serve the Willow Tree Room community meal"
    _place(volunteer, meal, monday, -1, attendance=SignUp.Attendance.ATTENDED)
    _place(volunteer, meal, monday, 1)
    _place(volunteer, "Ride to the ID office", monday, 1)
    # The dessert shift has one spot: the newcomer holds it, so the demo shows a waitlist.
    _place(newcomer, "Bring dessert to the Willow Tree Room", monday, 1)


def _place(person, title, monday, week, **extra):
    """A confirmed place for the person on the `week`th occurrence of a sample shift."""
    slug, _title, weekday, start, *_rest = next(spec for spec in SHIFTS if spec[1] == title)
    shift = Shift.objects.get(
        organization__slug=slug, title=title, start=_moment(monday, week, weekday, start)
    )
    SignUp.objects.get_or_create(
        shift=shift, volunteer=person, status=SignUp.Status.CONFIRMED, defaults=extra
    )
