from django.contrib import admin
from import_export.admin import ExportMixin, ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from core.lib.admin import ReadOnlyAdmin

from . import services
from .donations import admin as donations_admin  # noqa: F401 - registers the donation models
from .models import DropOff, Need, Pledge, Receipt
from .resources import StaffNeedResource, StaffPledgeResource


@admin.register(Need)
class NeedAdmin(ImportExportModelAdmin):
    resource_classes = [StaffNeedResource]
    formats = [CSV, XLSX]
    list_display = [
        "title",
        "organization",
        "category",
        "priority",
        "status",
        "quantity_needed",
        "quantity_pledged",
        "quantity_received",
    ]
    list_filter = ["status", "priority", "category", "organization"]
    search_fields = ["title", "description", "organization__name"]
    readonly_fields = ["quantity_pledged", "quantity_received", "created_at", "updated_at"]
    list_select_related = ["organization"]

    def save_model(self, request, obj, form, change):
        if change:
            # Through the service: an edit must not write back stale pledge totals.
            services.need_update(obj, **{f: form.cleaned_data[f] for f in form.changed_data})
        else:
            super().save_model(request, obj, form, change)


@admin.register(Pledge)
class PledgeAdmin(ExportMixin, ReadOnlyAdmin):
    """Read-only: pledges change through the site, which keeps each need's totals."""

    resource_classes = [StaffPledgeResource]
    formats = [CSV, XLSX]
    list_display = ["need", "quantity", "delivered", "status", "expected_on", "created_at"]
    list_filter = ["status", "method", "need__organization"]
    search_fields = ["need__title", "email", "donor__email"]
    list_select_related = ["need"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["need", "quantity", "pledge", "received_at"]
    list_filter = ["need__organization"]
    list_select_related = ["need", "pledge"]


@admin.register(DropOff)
class DropOffAdmin(admin.ModelAdmin):
    list_display = ["organization", "place_is_public", "hours"]
    search_fields = ["organization__name"]
