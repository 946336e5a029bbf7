"""Coordinators' spreadsheet import and export, scoped to one organization.

Any app can reuse it with its own `OrganizationResource` subclass:

1. `ImportForm` reads an uploaded CSV or XLSX, refusing files that are too big,
   not really spreadsheets, or missing columns, with one clear message each;
2. `import_view` dry-runs the rows and shows a preview: every line's result and
   every error, numbered as the coordinator's spreadsheet numbers its lines;
3. only if every line is valid does it offer "Import", which runs the same rows
   (carried in a signed form field, so nothing is stored between the two steps)
   in one transaction: any invalid line and nothing at all is written. A preview
   imports once: the import records it (ImportedPreview), in that transaction.

`export_response` writes CSV or XLSX with formula-like cells neutralised. The
widgets below read the cells coordinators type: a choice by its code or label, a
whole number, a date, a time, yes or no.
"""

import csv
import datetime
import hashlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import openpyxl
import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export import resources, widgets

from core.models import ImportedPreview

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_COLUMNS = 40
# A signed preview may be imported within this many seconds.
PREVIEW_MAX_AGE = 60 * 60
# Excel saves "CSV" with the list separator of the computer's region: a semicolon where
# the decimal mark is a comma (Spain, most of Latin America and Europe); a tab, rarely.
CSV_DELIMITERS = (",", ";", "\t")
# A date as a spreadsheet writes it in the short format of the computer's region:
# "3/10/2026" in the United States, "10/03/2026" in Mexico, Spain or the UK.
SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class SpreadsheetError(Exception):
    """A file-wide problem, explained to the coordinator in one message."""


def looks_like_formula(value):
    """True for text a spreadsheet would run: =HYPERLINK(...), @SUM(...), +cmd|...

    A plain signed number ("-3") is not a formula: it gets the quantity's own message.
    """
    if not isinstance(value, str) or not value or not value.startswith(FORMULA_PREFIXES):
        return False
    text = value.strip()
    if text[:1] in ("+", "-"):
        try:
            Decimal(text)
        except InvalidOperation:
            return True
        return False
    return True


def neutralise(value):
    """Make a cell that a spreadsheet would run as a formula read as plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def normalise_header(header):
    return "_".join(str(header or "").strip().lower().split())


def cell_text(value):
    """One cell as the text the resource's widgets parse."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Sheet:
    """The rows of a spreadsheet, and the line of the file each row came from."""

    headers: list
    rows: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    # How the file's slash dates were read, for the preview to say (not signed along:
    # the rows hold those dates as YYYY-MM-DD by then).
    date_order: "DateOrder | None" = None

    def dataset(self):
        return tablib.Dataset(*self.rows, headers=self.headers)

    def dumps(self, salt):
        return signing.dumps(
            {"headers": self.headers, "rows": self.rows, "lines": self.lines},
            salt=salt,
            compress=True,
        )

    @classmethod
    def loads(cls, payload, salt):
        data = signing.loads(payload, salt=salt, max_age=PREVIEW_MAX_AGE)
        return cls(headers=data["headers"], rows=data["rows"], lines=data["lines"])


def claim_preview(payload):
    """True the first time a signed preview is imported; False once it has been.

    Called inside the import's transaction, the mark commits with the imported rows, or
    is rolled back with them if the import is refused. Of two imports of one preview at
    once, the second insert of its unique digest waits for the first transaction, then
    fails. Marks older than a preview's signature are let go on the way.
    """
    ImportedPreview.objects.filter(
        imported_at__lt=timezone.now() - datetime.timedelta(seconds=PREVIEW_MAX_AGE)
    ).delete()
    try:
        with transaction.atomic():
            ImportedPreview.objects.create(digest=hashlib.sha256(payload.encode()).hexdigest())
    except IntegrityError:
        return False
    return True


def _csv_text(data):
    if b"\x00" in data:
        raise SpreadsheetError(_("This file is not a CSV text file. Save it as CSV or XLSX."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in its own encoding.
        return data.decode("cp1252", errors="replace")


def _read_csv(text, delimiter):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_line = 0
    try:
        for row in reader:
            yield previous_line + 1, row
            previous_line = reader.line_num
    except csv.Error as error:
        raise SpreadsheetError(
            _("Line %(line)s of this CSV file cannot be read (%(error)s).")
            % {"line": previous_line + 1, "error": error}
        ) from None


def csv_delimiter(text, columns):
    """The delimiter (comma, semicolon or tab) of a CSV file whose column names we know.

    The one that splits the first line into the most of `columns`, then into the most
    cells, wins; a comma if none does better, so that a file of unknown columns is still
    told which. The header decides, not the rows, whose text may hold any of them ("Soap;
    toothpaste"). csv.Sniffer, which tablib uses to recognise CSV, guesses from how often
    characters recur and is easily misled by that.
    """

    def score(delimiter):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = next((row for row in reader if any(cell.strip() for cell in row)), [])
        except csv.Error:
            return (-1, -1)
        known = sum(normalise_header(cell) in columns for cell in header)
        # A line the delimiter does not split is no sign of it.
        return (known, len(header) if len(header) > 1 else 0)

    # max() keeps the first of equals, so a comma wins a tie.
    return max(CSV_DELIMITERS, key=score)


def _read_xlsx(data):
    not_xlsx = _(
        "This file is not an Excel workbook, even though its name ends in .xlsx. "
        "Save it again from your spreadsheet program as .xlsx or .csv."
    )
    if not data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(not_xlsx)
    try:
        # data_only=False: a formula stays a formula ("=HYPERLINK(...)") and is refused,
        # instead of importing whatever value the file's author cached for it.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        rows = book.worksheets[0].iter_rows(min_row=1, max_col=MAX_COLUMNS + 1, values_only=True)
        # Read-only sheets fill skipped rows with blanks, so the count is the sheet's line.
        for line, values in enumerate(rows, start=1):
            yield line, [_xlsx_value(value) for value in values]
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, IndexError):
        logger.info("Unreadable XLSX upload", exc_info=True)
        raise SpreadsheetError(not_xlsx) from None


def _xlsx_value(value):
    """A cell's value; an array formula (an object, not text) reads as the formula it is."""
    if value is None or isinstance(value, (str, int, float, bool, datetime.date, datetime.time)):
        return value
    return "=" + str(getattr(value, "text", "") or "").lstrip("=")


def read_spreadsheet(upload, *, columns, required, date_columns=()):
    """The upload as a Sheet, or a SpreadsheetError that says what to fix.

    `columns` are the column names the resource knows; `required` those it needs.
    Headers are matched ignoring case and spaces ("Quantity needed" = quantity_needed).
    A CSV file's delimiter is found from its header (csv_delimiter). Slash dates in
    the `date_columns` become YYYY-MM-DD, in the order the file writes them (DateOrder).
    """
    name = (upload.name or "").lower()
    if upload.size > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            _("This file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {
                "size": round(upload.size / 1024 / 1024, 1),
                "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
            }
        )
    semicolons = False
    if name.endswith(".csv"):
        text = _csv_text(upload.read())
        delimiter = csv_delimiter(text, columns)
        semicolons = delimiter == ";"
        values_by_line = _read_csv(text, delimiter)
    elif name.endswith(".xlsx"):
        values_by_line = _read_xlsx(upload.read())
    else:
        raise SpreadsheetError(_("Upload a .csv or .xlsx file."))
    sheet = None
    for line, values in values_by_line:
        texts = [cell_text(value) for value in values]
        if not any(texts):
            continue  # blank lines, often at the end of a sheet
        if sheet is None:
            sheet = _sheet_from_header(texts, columns, required)
            continue
        if len(sheet.rows) == MAX_ROWS:
            raise SpreadsheetError(
                _("This file has more than %(limit)s rows. Split it into smaller files.")
                % {"limit": MAX_ROWS}
            )
        if len(texts) > len(sheet.headers) and any(texts[len(sheet.headers) :]):
            raise SpreadsheetError(
                _("Line %(line)s has more cells than the file has column names.") % {"line": line}
            )
        texts = (texts + [""] * len(sheet.headers))[: len(sheet.headers)]
        sheet.rows.append(texts)
        sheet.lines.append(line)
    if sheet is None:
        raise SpreadsheetError(_("This file is empty."))
    if not sheet.rows:
        raise SpreadsheetError(_("This file has column names but no rows to import."))
    columns_of_dates = [i for i, header in enumerate(sheet.headers) if header in date_columns]
    slash_dates = [
        match
        for row in sheet.rows
        for index in columns_of_dates
        if (match := SLASH_DATE.fullmatch(row[index]))
    ]
    if slash_dates:
        sheet.date_order = DateOrder.of(slash_dates, semicolons=semicolons)
        for row in sheet.rows:
            for index in columns_of_dates:
                row[index] = sheet.date_order.iso(row[index])
    return sheet


@dataclass
class DateOrder:
    """Whether a file's slash dates put the day or the month first, and one of them to
    show how they were read: "03/04/2026" is 3 April or March 4, and read the wrong way
    every shift or need would silently land on another day.

    A date whose first number is over 12 puts the day first; one whose second is, the
    month. A file with neither reads as Excel wrote it: a semicolon list separator goes
    with the day first in every region that uses one (Spain, most of Latin America and
    Europe), a comma mostly with the month first (the United States).
    """

    day_first: bool
    example: str | None = None

    @classmethod
    def of(cls, matches, *, semicolons):
        """The order of a file's slash dates (SLASH_DATE matches), with as its example
        one that reads as another day the other way round if there is one: what to check."""
        firsts_say_day = any(int(match[1]) > 12 for match in matches)
        seconds_say_month = any(int(match[2]) > 12 for match in matches)
        order = cls(firsts_say_day if firsts_say_day != seconds_say_month else semicolons)
        readable = [match[0] for match in matches if order.iso(match[0]) != match[0]]
        order.example = min(readable, key=order.is_certain, default=None)
        return order

    @property
    def patterns(self):
        return ("%d/%m/%Y", "%d/%m/%y") if self.day_first else ("%m/%d/%Y", "%m/%d/%y")

    def iso(self, text):
        """A slash date of this order as YYYY-MM-DD; any other text (a date that is not
        one, "31/02/2026") as it is, for the date's widget to say what is wrong."""
        for slash_format in self.patterns:
            try:
                return datetime.datetime.strptime(text, slash_format).date().isoformat()
            except ValueError:
                continue
        return text

    def is_certain(self, text):
        """Whether a date of this order is no other day the other way round."""
        return DateOrder(not self.day_first).iso(text) in (text, self.iso(text))

    def explained(self):
        """What the preview says: the order, shown on the example in words, and if it
        could be read the other way, how to write the day that way would mean."""
        if self.example is None:
            return None
        day = datetime.date.fromisoformat(self.iso(self.example))
        values = {"example": self.example, "day": formats.date_format(day)}
        if self.day_first:
            said = _("Dates were read day first: %(example)s is %(day)s.") % values
        else:
            said = _("Dates were read month first: %(example)s is %(day)s.") % values
        if self.is_certain(self.example):
            return said
        other = datetime.date.fromisoformat(DateOrder(not self.day_first).iso(self.example))
        return _(
            "%(said)s If it means %(other)s, write the dates as YYYY-MM-DD (%(iso)s) and "
            "upload the file again."
        ) % {"said": said, "other": formats.date_format(other), "iso": other.isoformat()}


def _sheet_from_header(texts, columns, required):
    while texts and not texts[-1]:
        texts.pop()
    headers = [normalise_header(text) for text in texts]
    unknown = [
        text or _("(blank)")
        for text, header in zip(texts, headers, strict=True)
        if header not in columns
    ]
    missing = [column for column in required if column not in headers]
    duplicated = sorted({header for header in headers if headers.count(header) > 1})
    problems = []
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    if duplicated:
        problems.append(_("Columns named twice: %(columns)s.") % {"columns": ", ".join(duplicated)})
    if problems:
        problems.append(
            _("The first line must hold the column names, as in the template: %(columns)s.")
            % {"columns": ", ".join(columns)}
        )
        raise SpreadsheetError(" ".join(problems))
    return Sheet(headers=headers)


# Widgets: what a coordinator types in a cell, read the way a person means it.


def _words(text):
    return " ".join(str(text).lower().replace("_", " ").replace("-", " ").split())


class ChoiceWidget(widgets.Widget):
    """A choice by its code or its English or Spanish label, in any case: "Gift cards
    and transit passes", "gift_cards" and "Tarjetas de regalo..." all work."""

    def __init__(self, choices):
        super().__init__(coerce_to_string=True)
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = _words(value or "")
        if not text:
            return None
        for code, label in self.choices.choices:
            names = {_words(code)}
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    names.add(_words(label))
            if text in names:
                return code
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(self.choices.values)}
        )


class WholeNumberWidget(widgets.IntegerWidget):
    """A whole number. The model's validators say the allowed range; this refuses only
    what is absurd (over 1000 times `limit`) before it becomes an int, so that a "1e999999"
    cell costs nothing."""

    def __init__(self, limit):
        super().__init__(coerce_to_string=False)
        self.limit = limit

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        try:
            number = Decimal(str(value).replace(",", "").strip())
        except InvalidOperation:
            raise ValueError(
                _("“%(value)s” is not a number. Enter a whole number, for example 12.")
                % {"value": value}
            ) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(_("Enter a whole number, for example 12."))
        # copy_abs(), unlike abs(), does not overflow the decimal context on "1e999999999".
        if number.copy_abs() > self.limit * 1000:
            raise ValueError(_("Enter at most %(limit)s.") % {"limit": self.limit})
        return int(number)


class DateWidget(widgets.DateWidget):
    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        for date_format in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y-%m-%dT%H:%M:%S"):
            try:
                return datetime.datetime.strptime(text, date_format).date()
            except ValueError:
                continue
        raise ValueError(
            _("“%(value)s” is not a date. Enter it as YYYY-MM-DD, for example %(example)s.")
            % {"value": value, "example": timezone.localdate().replace(day=28).isoformat()}
        )


# 24-hour first; "5:30 PM" as people also write it; an Excel time cell read with its
# placeholder date ("1899-12-30T17:30:00").
TIME_FORMATS = (
    "%H:%M",
    "%H:%M:%S",
    "%I:%M %p",
    "%I:%M%p",
    "%I %p",
    "%I%p",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
)


class TimeWidget(widgets.TimeWidget):
    """A time of day as HH:MM (24-hour), or "5:30 PM"."""

    def __init__(self):
        super().__init__(format="%H:%M")

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, datetime.time):
            return value
        text = str(value).strip().upper()
        for time_format in TIME_FORMATS:
            try:
                return datetime.datetime.strptime(text, time_format).time()
            except ValueError:
                continue
        raise ValueError(
            _("“%(value)s” is not a time. Enter it as HH:MM, for example 17:30.") % {"value": value}
        )


YES = {"yes", "y", "true", "1", "sí", "si"}
NO = {"no", "n", "false", "0"}


class YesNoWidget(widgets.Widget):
    """yes or no (in English or Spanish, any case); an empty cell is None, so the
    field's default applies."""

    def __init__(self):
        super().__init__(coerce_to_string=True)

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().lower()
        if not text:
            return None
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("“%(value)s” is not yes or no.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "yes" if value else "no"


class OrganizationResource(resources.ModelResource):
    """A resource that reads and writes only one organization's rows.

    Subclasses name `required_columns` and a `summary_column` for the preview.
    Rows are matched by `id`; an id that is not one of this organization's rows
    is an error on its line, never a way into another organization's data. The
    model needs an `organization` foreign key; it is set here, never from a file.
    """

    required_columns = ()
    summary_column = None

    class Meta:
        import_id_fields = ["id"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        exclude = ["organization"]

    def __init__(self, organization=None, **kwargs):
        super().__init__(**kwargs)
        self.organization = organization

    def get_queryset(self):
        return self._meta.model.objects.filter(organization=self.organization)

    def init_instance(self, row=None):
        return self._meta.model(organization=self.organization)

    def get_instance(self, instance_loader, row):
        pk = self.fields["id"].clean(row) if "id" in row else None
        if pk is None:
            return None
        # Locked so that a concurrent change (a pledge) is not overwritten by a stale read.
        return self.get_queryset().select_for_update().filter(pk=pk).first()

    def import_columns(self):
        return [field.column_name for field in self.get_import_fields()]

    def date_columns(self):
        return [
            field.column_name
            for field in self.get_import_fields()
            if isinstance(field.widget, DateWidget)
        ]

    def column_of(self, attribute):
        for resource_field in self.fields.values():
            if resource_field.attribute == attribute:
                return resource_field.column_name
        return attribute

    def before_import(self, dataset, **kwargs):
        self.own_ids = set(self.get_queryset().values_list("pk", flat=True))
        self.file_columns = set(dataset.headers)

    def attribute_of(self, column):
        """The attribute a column sets; a column computed by the resource (no attribute of
        its own, like a shift's date) is its own name, so its errors stay on it."""
        for resource_field in self.fields.values():
            if resource_field.column_name == column:
                return resource_field.attribute or column
        return column

    def before_import_row(self, row, **kwargs):
        """Refuse an id that is not this organization's before anything reads it, and
        note formula cells, reported with the row's other errors by import_instance."""
        row_id = row.get("id")
        if row_id:
            try:
                pk = self.fields["id"].clean(row)
            except (InvalidOperation, ValueError, OverflowError):  # "x", "NaN", "Infinity"
                pk = None
            if pk not in self.own_ids:
                raise ValidationError(
                    {
                        "id": _(
                            "There is no row with id %(id)s in %(organization)s. "
                            "Leave the id empty to add a new one."
                        )
                        % {"id": row_id, "organization": self.organization}
                    }
                )
        self.formula_errors = {
            self.attribute_of(column): [
                _(
                    "“%(value)s” starts with “%(first)s”, which spreadsheets run as a "
                    "formula. Remove it or type the text without it."
                )
                % {"value": value[:40], "first": value.strip()[:1]}
            ]
            for column, value in row.items()
            if looks_like_formula(value)
        }

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # A formula cell's own problem is being a formula, whatever else it fails.
        errors.update(self.formula_errors)
        if errors:
            raise ValidationError(errors)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        return [
            neutralise(value)
            for value in super().export_resource(instance, selected_fields, **kwargs)
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (CSV or XLSX)"),
        help_text=gettext_lazy("Up to 2 MB and 1,000 rows. The first line holds the column names."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, resource, **kwargs):
        super().__init__(*args, **kwargs)
        self.resource = resource

    def clean_file(self):
        try:
            self.sheet = read_spreadsheet(
                self.cleaned_data["file"],
                columns=self.resource.import_columns(),
                required=self.resource.required_columns,
                date_columns=self.resource.date_columns(),
            )
        except SpreadsheetError as error:
            raise forms.ValidationError(str(error)) from None
        return self.cleaned_data["file"]


@dataclass
class LineResult:
    line: int
    action: str
    summary: str
    errors: list


ACTIONS = {
    "new": gettext_lazy("New"),
    "update": gettext_lazy("Update"),
    "skip": gettext_lazy("Unchanged"),
    "invalid": gettext_lazy("Error"),
    "error": gettext_lazy("Error"),
}


def run_import(resource, sheet, *, dry_run):
    """Import the sheet's rows (or only try them) and describe each line.

    Returns (lines, is_valid). Nothing is written unless every line is valid;
    a failure that is no line's fault (logged) returns no lines and not valid.
    """
    result = resource.import_data(
        sheet.dataset(),
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    if result.base_errors:
        for error in result.base_errors:
            logger.error("Spreadsheet import failed: %r", error.error)
        return [], False
    summary_index = (
        sheet.headers.index(resource.summary_column)
        if resource.summary_column in sheet.headers
        else None
    )
    lines = []
    for row_result, line, row in zip(result.rows, sheet.lines, sheet.rows, strict=True):
        errors = []
        if row_result.validation_error is not None:
            for attribute, messages_ in row_result.validation_error.message_dict.items():
                column = None if attribute == NON_FIELD_ERRORS else resource.column_of(attribute)
                errors.extend((column, message) for message in messages_)
        for error in row_result.errors:
            logger.error("Spreadsheet import line %s failed: %r", line, error.error)
            errors.append((None, _("This line could not be imported. Check its values.")))
        summary = row[summary_index] if summary_index is not None else ""
        lines.append(LineResult(line, ACTIONS[row_result.import_type], summary, errors))
    return lines, not any(line.errors for line in lines)


def import_view(request, *, resource, context, done_url, template_name):
    """The whole import flow on one page: upload, preview, import.

    The caller checks access and gives a resource bound to the organization, and
    its own page template (which receives form, preview, payload, the counts and how
    the dates were read).
    """
    salt = f"spreadsheets:{type(resource).__name__}:{resource.organization.pk}:{request.user.pk}"
    form = ImportForm(resource=resource)
    preview = None
    payload = None
    dates_read = None
    is_valid = True
    if request.method == "POST" and "payload" in request.POST:
        signed = request.POST["payload"]
        try:
            sheet = Sheet.loads(signed, salt)
        except signing.BadSignature:
            messages.error(request, _("This preview has expired. Please upload the file again."))
            return redirect(request.path)
        with transaction.atomic():
            if not claim_preview(signed):
                # Back to the preview after importing it, or a second click.
                messages.warning(
                    request,
                    ngettext(
                        "This line was already imported. Nothing was imported again.",
                        "These %(count)d lines were already imported. Nothing was imported again.",
                        len(sheet.rows),
                    )
                    % {"count": len(sheet.rows)},
                )
                return redirect(done_url)
            lines, is_valid = run_import(resource, sheet, dry_run=False)
            if not is_valid:
                # Nothing was imported, so the preview is not used up either.
                transaction.set_rollback(True)
        if is_valid:
            messages.success(
                request,
                ngettext("Imported %(count)d line.", "Imported %(count)d lines.", len(lines))
                % {"count": len(lines)},
            )
            return redirect(done_url)
        # Something changed since the preview; show why, with nothing written.
        preview = lines
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES, resource=resource)
        if form.is_valid():
            preview, is_valid = run_import(resource, form.sheet, dry_run=True)
            if form.sheet.date_order:
                dates_read = form.sheet.date_order.explained()
            if is_valid:
                payload = form.sheet.dumps(salt)
    error_count = sum(len(line.errors) for line in preview or [])
    return TemplateResponse(
        request,
        template_name,
        {
            **context,
            "form": form,
            "preview": preview,
            "payload": payload,
            "dates_read": dates_read,
            "error_count": error_count,
            "error_lines": sum(1 for line in preview or [] if line.errors),
            "failed": not is_valid and not error_count,
        },
    )


def export_response(resource, queryset, fmt, filename):
    """The queryset as a CSV or XLSX download; any other format in the URL is a 404."""
    if fmt not in FORMATS:
        raise Http404
    dataset = resource.export(queryset)
    # The byte order mark makes Excel read a CSV as UTF-8 (accents, curly quotes).
    content = "\ufeff" + dataset.export("csv") if fmt == "csv" else dataset.export("xlsx")
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
