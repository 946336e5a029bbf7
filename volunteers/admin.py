from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from .models import CalendarFeed, Shift, ShiftPolicy, SignUp, TransportDetails, Verification
from .resources import StaffShiftResource


class TransportDetailsInline(admin.StackedInline):
    model = TransportDetails
    extra = 0


class SignUpInline(admin.TabularInline):
    model = SignUp
    extra = 0
    fields = ["volunteer", "guest_name", "guest_email", "status", "attendance", "hours"]
    raw_id_fields = ["volunteer"]


@admin.register(Shift)
class ShiftAdmin(ImportExportModelAdmin):
    # The same columns as coordinators' files, plus the organization's slug; a ride's
    # private details stay out of spreadsheets here too.
    resource_classes = [StaffShiftResource]
    formats = [CSV, XLSX]
    list_display = ["title", "organization", "kind", "start", "capacity", "cancelled_at"]
    list_filter = ["kind", "organization"]
    search_fields = ["title", "organization__name"]
    date_hierarchy = "start"
    raw_id_fields = ["series"]
    list_select_related = ["organization"]
    inlines = [TransportDetailsInline, SignUpInline]

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).select_related("organization").for_export()


@admin.register(SignUp)
class SignUpAdmin(admin.ModelAdmin):
    list_display = ["shift", "volunteer", "guest_email", "status", "attendance", "hours"]
    list_filter = ["status", "shift__organization"]
    search_fields = ["volunteer__email", "guest_email", "shift__title"]
    raw_id_fields = ["shift", "volunteer"]


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = ["volunteer", "organization", "kind", "expires_on"]
    list_filter = ["kind", "organization"]
    search_fields = ["volunteer__email"]
    raw_id_fields = ["volunteer", "granted_by"]


admin.site.register(ShiftPolicy)
admin.site.register(CalendarFeed, list_display=["user", "created_at"], raw_id_fields=["user"])
