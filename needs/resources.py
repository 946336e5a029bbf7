"""Spreadsheet columns for needs and pledges (django-import-export resources)."""

from django.core.exceptions import ValidationError
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets
from import_export.fields import Field

from core.lib.spreadsheets import (
    ChoiceWidget,
    DateWidget,
    OrganizationResource,
    WholeNumberWidget,
)
from core.models import Organization

from .models import MAX_QUANTITY, Category, Need, NeedStatus, Pledge, Priority


class NeedResource(OrganizationResource):
    id = Field(
        attribute="id", column_name="id", widget=widgets.IntegerWidget(coerce_to_string=False)
    )
    title = Field(attribute="title", column_name="title", widget=widgets.CharWidget())
    category = Field(
        attribute="category",
        column_name="category",
        widget=ChoiceWidget(Category),
        saves_null_values=False,
    )
    priority = Field(
        attribute="priority",
        column_name="priority",
        widget=ChoiceWidget(Priority),
        saves_null_values=False,
    )
    quantity_needed = Field(
        attribute="quantity_needed",
        column_name="quantity_needed",
        widget=WholeNumberWidget(MAX_QUANTITY),
    )
    unit = Field(attribute="unit", column_name="unit", widget=widgets.CharWidget())
    needed_by = Field(attribute="needed_by", column_name="needed_by", widget=DateWidget())
    description = Field(
        attribute="description", column_name="description", widget=widgets.CharWidget()
    )
    status = Field(
        attribute="status",
        column_name="status",
        widget=ChoiceWidget(NeedStatus),
        saves_null_values=False,
    )
    # Exported for the coordinator's information; a file cannot change them.
    quantity_pledged = Field(
        attribute="quantity_pledged",
        column_name="quantity_pledged",
        readonly=True,
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )
    quantity_received = Field(
        attribute="quantity_received",
        column_name="quantity_received",
        readonly=True,
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )

    required_columns = ("title", "category", "quantity_needed")
    summary_column = "title"

    class Meta(OrganizationResource.Meta):
        model = Need
        fields = [
            "id",
            "title",
            "category",
            "priority",
            "quantity_needed",
            "unit",
            "needed_by",
            "description",
            "status",
            "quantity_pledged",
            "quantity_received",
        ]

    @classmethod
    def template_files(cls):
        return [
            (gettext_lazy("Template (CSV)"), static("needs/needs-template.csv")),
            (gettext_lazy("Template (XLSX)"), static("needs/needs-template.xlsx")),
        ]

    def import_instance(self, instance, row, **kwargs):
        needed_by_before = instance.needed_by
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        needed_by = instance.needed_by
        if (
            "needed_by" not in errors
            and needed_by
            and needed_by != needed_by_before
            and needed_by < timezone.localdate()
        ):
            errors["needed_by"] = [
                _("%(date)s is in the past. Choose a later date or leave it empty.")
                % {"date": needed_by.isoformat()}
            ]
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        instance.sync_status()

    def do_instance_save(self, instance, is_create):
        if is_create:
            instance.save()
            return
        # Only what the file holds: the totals belong to needs.services.
        columns = [
            resource_field.attribute
            for resource_field in self.get_import_fields()
            if resource_field.column_name in self.file_columns
            and not resource_field.readonly
            and resource_field.attribute != "id"
        ]
        instance.save(update_fields=[*columns, "status", "updated_at"])


class StaffNeedResource(NeedResource):
    """Site staff's import and export in the admin: every organization, named by slug."""

    organization = Field(
        attribute="organization",
        column_name="organization",
        widget=widgets.ForeignKeyWidget(Organization, field="slug"),
    )
    required_columns = ("organization", *NeedResource.required_columns)

    class Meta(NeedResource.Meta):
        fields = ["organization", *NeedResource.Meta.fields]
        exclude = []

    def get_queryset(self):
        return Need.objects.all()

    def init_instance(self, row=None):
        return Need()


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class PledgeResource(OrganizationResource):
    """Export only: pledges change through the site, where the totals stay true."""

    id = Field(
        attribute="id", column_name="id", widget=widgets.IntegerWidget(coerce_to_string=False)
    )
    need_id = Field(
        attribute="need_id",
        column_name="need_id",
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )
    need = Field(attribute="need__title", column_name="need")
    donor_name = Field(column_name="donor_name")
    donor_email = Field(column_name="donor_email")
    quantity = Field(
        attribute="quantity",
        column_name="quantity",
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )
    delivered = Field(
        attribute="delivered",
        column_name="delivered",
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )
    # As the site words them: an export is read, not imported back.
    method = Field(attribute="method_summary", column_name="method")
    expected_on = Field(attribute="expected_on", column_name="expected_on", widget=DateWidget())
    status = Field(attribute="status_summary", column_name="status")
    pledged_at = Field(column_name="pledged_at")
    closed_at = Field(column_name="closed_at")

    class Meta(OrganizationResource.Meta):
        model = Pledge
        fields = [
            "id",
            "need_id",
            "need",
            "donor_name",
            "donor_email",
            "quantity",
            "delivered",
            "method",
            "expected_on",
            "status",
            "pledged_at",
            "closed_at",
        ]

    def get_queryset(self):
        return Pledge.objects.for_export(self.organization)

    def dehydrate_donor_name(self, pledge):
        return pledge.contact_name

    def dehydrate_donor_email(self, pledge):
        return pledge.contact_email

    def dehydrate_pledged_at(self, pledge):
        return _local(pledge.created_at)

    def dehydrate_closed_at(self, pledge):
        return _local(pledge.closed_at)


class StaffPledgeResource(PledgeResource):
    """Site staff's pledge export in the admin, across organizations."""

    organization = Field(attribute="need__organization__slug", column_name="organization")

    class Meta(PledgeResource.Meta):
        fields = ["organization", *PledgeResource.Meta.fields]

    def get_queryset(self):
        return (
            Pledge.objects.exclude(status=Pledge.Status.PENDING)
            .select_related("need__organization", "donor")
            .order_by("-created_at", "pk")
        )
