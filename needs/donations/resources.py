from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from core.lib.spreadsheets import neutralise

from .models import Donation


def dollars(cents):
    return f"{cents / 100:.2f}"


class DonationResource(resources.ModelResource):
    """A coordinator's export of their organization's gifts, for their books and receipts."""

    date = fields.Field(column_name=_("Date"))
    donor_name = fields.Field(attribute="donor_name", column_name=_("Name"))
    donor_email = fields.Field(attribute="donor_email", column_name=_("Email"))
    anonymous = fields.Field(column_name=_("Wishes to stay anonymous"))
    frequency = fields.Field(column_name=_("Frequency"))
    amount = fields.Field(column_name=_("Gift (USD)"))
    fee = fields.Field(column_name=_("Fee covered (USD)"))
    refunded = fields.Field(column_name=_("Refunded (USD)"))
    status = fields.Field(column_name=_("Status"))
    disputed = fields.Field(column_name=_("Disputed"))
    note = fields.Field(attribute="note", column_name=_("Note"))

    class Meta:
        model = Donation
        fields = (
            "date",
            "donor_name",
            "donor_email",
            "anonymous",
            "frequency",
            "amount",
            "fee",
            "refunded",
            "status",
            "disputed",
            "note",
        )

    def dehydrate_date(self, donation):
        return timezone.localtime(donation.paid_at or donation.created_at).strftime("%Y-%m-%d")

    def dehydrate_anonymous(self, donation):
        return _("yes") if donation.is_anonymous else _("no")

    def dehydrate_frequency(self, donation):
        return donation.get_frequency_display()

    def dehydrate_amount(self, donation):
        return dollars(donation.amount_cents)

    def dehydrate_fee(self, donation):
        return dollars(donation.fee_cents)

    def dehydrate_refunded(self, donation):
        return dollars(donation.refunded_cents)

    def dehydrate_status(self, donation):
        return donation.get_status_display()

    def dehydrate_disputed(self, donation):
        return _("yes") if donation.is_disputed else _("no")

    def export_resource(self, instance, selected_fields=None, **kwargs):
        # A donor's name or note is typed by the public: never let it run as a formula.
        return [
            neutralise(value)
            for value in super().export_resource(instance, selected_fields, **kwargs)
        ]
