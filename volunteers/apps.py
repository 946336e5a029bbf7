from datetime import timedelta

from django.apps import AppConfig
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Few enough to keep the organization and home pages short.
ORGANIZATION_SHIFTS = 6
HOME_SHIFTS = 3


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteer shifts")

    def ready(self):
        from core.lib.pagecache import invalidate_on_change

        from . import signals  # noqa: F401 - connects the receivers
        from .models import Shift, SignUp

        invalidate_on_change(Shift, SignUp)

    def organization_section(self, request, organization):
        from .models import Shift

        shifts = (
            Shift.objects.filter(organization=organization, cancelled_at__isnull=True)
            .upcoming()
            .for_list()[:ORGANIZATION_SHIFTS]
        )
        return {"template": "volunteers/includes/organization_shifts.html", "shifts": shifts}

    def home_section(self, request):
        from .models import Shift

        now = timezone.now()
        shifts = (
            Shift.objects.public()
            .upcoming(now)
            .filter(start__lt=now + timedelta(days=7))
            .for_list()
            .with_open_spots()[:HOME_SHIFTS]
        )
        return {"template": "volunteers/includes/home_shifts.html", "shifts": shifts}

    def manage_links(self, organization):
        slug = [organization.slug]
        return [
            (_("Shifts"), reverse("volunteers:manage_shifts", args=slug)),
            (_("Import and export shifts"), reverse("volunteers:shift_import", args=slug)),
            (_("Volunteer verifications"), reverse("volunteers:verifications", args=slug)),
            (_("Hours report"), reverse("volunteers:hours_report", args=slug)),
        ]

    def personal_data(self, user):
        from .models import SignUp

        signups = SignUp.objects.filter(volunteer=user).select_related("shift__organization")
        now = timezone.now()
        return {
            "volunteer_shifts": {
                "sign_ups": [
                    {
                        "shift": signup.shift.title,
                        "organization": signup.shift.organization.name,
                        "start": signup.shift.start.isoformat(),
                        "end": signup.shift.end.isoformat(),
                        "status": signup.status,
                        "bringing": signup.bringing,
                        "attendance": signup.attendance,
                        "hours": str(signup.credited_hours(now)),
                        "signed_up_at": signup.created_at.isoformat(),
                    }
                    for signup in signups.order_by("shift__start")
                ],
                "total_hours": str(sum(signup.credited_hours(now) for signup in signups)),
                "verifications": [
                    {
                        "organization": verification.organization.name,
                        "kind": verification.kind,
                        "expires_on": verification.expires_on.isoformat(),
                    }
                    for verification in user.shift_verifications.select_related("organization")
                ],
                "calendar_feed": hasattr(user, "shift_calendar"),
            }
        }

    def seed_demo(self, organizations, stdout):
        from .demo import seed

        seed(organizations, stdout)
