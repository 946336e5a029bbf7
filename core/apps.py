from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Hearth")

    def ready(self):
        from .lib.pagecache import invalidate_on_change
        from .models import Organization, OrganizationLink, OrganizationService

        invalidate_on_change(Organization, OrganizationLink, OrganizationService)

    def personal_data(self, user):
        """What Hearth keeps about this person's account, for their download."""
        return {
            "account": {
                "email": user.email,
                "name": user.name,
                "phone": user.phone,
                "language": user.language,
                "joined": user.date_joined.isoformat(),
                "last_login": user.last_login.isoformat() if user.last_login else None,
            },
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in user.emailaddress_set.all()
            ],
            "memberships": [
                {"organization": m.organization.name, "role": m.role}
                for m in user.memberships.select_related("organization")
            ],
        }
