from django.apps import AppConfig
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Outside links shown beside an organization's needs.
GIVING_LINK_KINDS = ("donation", "wishlist")
HOME_URGENT_NEEDS = 6
# An organization's page shows its most pressing open needs; the needs list has them all.
ORGANIZATION_NEEDS = 12


class NeedsConfig(AppConfig):
    name = "needs"
    verbose_name = _("Needs and donations")

    def ready(self):
        from core.lib.pagecache import invalidate_on_change

        from .donations.models import Donation, DonationGoal
        from .models import DropOff, Need, Pledge, Receipt

        invalidate_on_change(Need, Pledge, Receipt, DropOff, Donation, DonationGoal)

    def organization_section(self, request, organization):
        """The organization's most pressing open needs, its drop-off details and outside
        giving links."""
        from .donations.views import active_goal
        from .models import DropOff, Need

        open_needs = Need.objects.filter(organization=organization, status=Need.Status.OPEN)
        needs = {
            "template": "needs/includes/organization_needs.html",
            "needs": list(open_needs.ordered()[:ORGANIZATION_NEEDS]),
            # organization.links is prefetched by the page: no query per link.
            "outside_links": [
                link for link in organization.links.all() if link.kind in GIVING_LINK_KINDS
            ],
            "dropoff": DropOff.objects.filter(organization=organization).first(),
        }
        money = {
            "template": "needs/includes/organization_donate.html",
            "goal": active_goal(organization),
            "donation_link": next(
                (link for link in organization.links.all() if link.kind == "donation"), None
            ),
        }
        return [money, needs]

    def home_section(self, request):
        from .models import Need

        needs = list(Need.objects.urgent()[:HOME_URGENT_NEEDS])
        if not needs:
            return None
        return {"template": "needs/includes/home_needs.html", "needs": needs}

    def manage_links(self, organization):
        return [
            (_("Needs"), reverse("needs:manage_needs", args=[organization.slug])),
            (_("Receive items and pledges"), reverse("needs:receive", args=[organization.slug])),
            (_("Drop-off settings"), reverse("needs:dropoff_edit", args=[organization.slug])),
            (
                _("Import and export spreadsheets"),
                reverse("needs:spreadsheets", args=[organization.slug]),
            ),
            (
                _("Donations and Stripe"),
                reverse("needs:manage_donations", args=[organization.slug]),
            ),
        ]

    def account_delete_section(self, request):
        """What deleting the account does to the person's gifts, told before they confirm."""
        from .models import Donation, RecurringGift

        user = request.user
        monthly_gifts = list(RecurringGift.objects.for_donor(user).running())
        gave = Donation.objects.filter(donor=user).exists()
        if not monthly_gifts and not gave:
            return None
        return {
            "template": "needs/includes/account_delete_gifts.html",
            "monthly_gifts": monthly_gifts,
            "gave": gave,
        }

    def before_account_delete(self, user):
        """Stop the person's monthly gifts at Stripe, and close the payment pages of
        those they started and did not pay, or refuse the deletion.

        Once the account is gone nobody can cancel them in Hearth, and the card
        would go on being charged every month.
        """
        from .donations.services import (
            DonationError,
            monthly_checkout_close,
            recurring_gift_cancel,
        )
        from .models import Donation, RecurringGift

        stops = [
            *((recurring_gift_cancel, g) for g in RecurringGift.objects.for_donor(user).running()),
            *((monthly_checkout_close, d) for d in Donation.objects.monthly_checkouts_open(user)),
        ]
        for stop, gift in stops:
            try:
                stop(gift)
            except DonationError as error:
                raise ValidationError(
                    _(
                        "Your account was not deleted, because Stripe could not stop your "
                        "monthly gift to %(name)s. Please try again in a moment."
                    ),
                    params={"name": gift.organization.name},
                ) from error

    def personal_data(self, user):
        from .models import Donation, Pledge, RecurringGift

        return {
            "donations": [
                {
                    "organization": donation.organization.name,
                    "donor_name": donation.donor_name,
                    "donor_email": donation.donor_email,
                    "amount_cents": donation.amount_cents,
                    "fee_cents": donation.fee_cents,
                    "frequency": donation.frequency,
                    "status": donation.status,
                    "anonymous": donation.is_anonymous,
                    "note": donation.note,
                    "created_at": donation.created_at.isoformat(),
                }
                for donation in Donation.objects.for_donor(user)
            ],
            "monthly_gifts": [
                {
                    "organization": gift.organization.name,
                    "amount_cents": gift.amount_cents,
                    "fee_cents": gift.fee_cents,
                    "status": gift.status,
                    "started_at": gift.created_at.isoformat(),
                    "canceled_at": gift.canceled_at.isoformat() if gift.canceled_at else None,
                }
                for gift in RecurringGift.objects.for_donor(user)
            ],
            "pledges": [
                {
                    "organization": pledge.need.organization.name,
                    "item": pledge.need.title,
                    "quantity": pledge.quantity,
                    "delivered": pledge.delivered,
                    "method": pledge.method,
                    "expected_on": pledge.expected_on.isoformat(),
                    "status": pledge.status,
                    "pledged_at": pledge.created_at.isoformat(),
                }
                for pledge in Pledge.objects.filter(donor=user)
                .select_related("need__organization")
                .order_by("created_at")
            ],
        }

    def seed_demo(self, organizations, stdout):
        from .demo import seed
        from .donations.demo import seed_donations

        seed(organizations, stdout)
        seed_donations(organizations, stdout)
