from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from .models import CalendarFeed, Shift, ShiftPolicy, SignUp, TransportDetails, Verification
from .resources import StaffShiftResource


class TransportDetailsInline(admin.StackedInline):
    model = TransportDetails
    extra = 0


def over_capacity(capacity):
    return forms.ValidationError(
        ngettext(
            "Only %(capacity)s person can be confirmed on this shift: put the others on "
            "the waitlist, or give the shift more spots.",
            "Only %(capacity)s people can be confirmed on this shift: put the others on "
            "the waitlist, or give the shift more spots.",
            capacity,
        )
        % {"capacity": capacity}
    )


class SignUpInlineFormSet(BaseInlineFormSet):
    """A shift's places as staff edit them with the shift: never more confirmed than its
    spots, as everywhere else."""

    def clean(self):
        super().clean()
        confirmed = sum(
            1
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("status") == SignUp.Status.CONFIRMED
        )
        if self.instance.capacity is not None and confirmed > self.instance.capacity:
            raise over_capacity(self.instance.capacity)


class SignUpAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        shift = cleaned.get("shift")
        if shift is not None and cleaned.get("status") == SignUp.Status.CONFIRMED:
            others = shift.signups.filter(status=SignUp.Status.CONFIRMED)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.count() >= shift.capacity:
                self.add_error("status", over_capacity(shift.capacity))
        return cleaned


class ShiftAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            # Beside the field, as coordinators see it, not as the database's rule.
            self.add_error("end", _("The shift must end after it starts."))
        return cleaned


class SignUpInline(admin.TabularInline):
    model = SignUp
    formset = SignUpInlineFormSet
    extra = 0
    fields = ["volunteer", "guest_name", "guest_email", "status", "attendance", "hours"]
    raw_id_fields = ["volunteer"]


@admin.register(Shift)
class ShiftAdmin(ImportExportModelAdmin):
    form = ShiftAdminForm
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
    form = SignUpAdminForm
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
