"""Stripe's records are read-only here: refunds and cancellations are made in the
organization's Stripe Dashboard, and its webhooks bring them to Hearth."""

from django.contrib import admin
from import_export.admin import ExportMixin

from core.lib.admin import ReadOnlyAdmin

from .models import Donation, DonationGoal, RecurringGift, StripeEvent
from .resources import DonationResource


@admin.register(Donation)
class DonationAdmin(ExportMixin, ReadOnlyAdmin):
    resource_classes = [DonationResource]
    list_display = ["created_at", "organization", "donor_name", "amount_cents", "status"]
    list_filter = ["status", "frequency", "organization"]
    search_fields = ["donor_name", "donor_email", "checkout_session_id", "payment_intent_id"]
    # All of them, so that the view page shows those Django never puts in a form too.
    readonly_fields = [f.name for f in Donation._meta.fields]


@admin.register(RecurringGift)
class RecurringGiftAdmin(ReadOnlyAdmin):
    list_display = ["organization", "donor", "amount_cents", "status", "created_at"]
    list_filter = ["status", "organization"]
    search_fields = ["subscription_id", "customer_id", "donor__email"]
    readonly_fields = [f.name for f in RecurringGift._meta.fields]


@admin.register(DonationGoal)
class DonationGoalAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "target_cents", "period", "is_active"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "account", "outcome", "received_at"]
    list_filter = ["outcome", "type"]
    search_fields = ["event_id", "related_id"]
    readonly_fields = [f.name for f in StripeEvent._meta.fields]
