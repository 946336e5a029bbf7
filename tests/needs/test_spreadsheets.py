import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
import tablib
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Membership
from needs import services
from needs.models import Need, Pledge
from needs.resources import NeedResource, StaffNeedResource
from tests import spreadsheet_helpers as sheets
from tests.conftest import make_user

from .conftest import in_days, make_need, make_pledge

pytestmark = pytest.mark.django_db

HEADERS = ["title", "category", "priority", "quantity_needed", "unit", "needed_by", "description"]
TEMPLATES = Path(settings.BASE_DIR) / "static" / "needs"


def csv_file(rows, headers=HEADERS, name="needs.csv"):
    return sheets.csv_file(rows, headers, name)


def xlsx_file(rows, headers=HEADERS, name="needs.xlsx"):
    return sheets.xlsx_file(rows, headers, name)


def import_url(organization):
    return reverse("needs:needs_import", args=[organization.slug])


def upload(client, organization, file):
    return client.post(import_url(organization), {"file": file})


GOOD_ROWS = [
    ["Hygiene kits", "hygiene", "urgent", "40", "kits", "", "Soap and toothpaste"],
    ["Twin sheets", "Bedding", "", "12", "sets", in_days(30).isoformat(), ""],
    ["Bus passes", "Gift cards and transit passes", "HIGH", "30", "passes", "", ""],
]


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def test_a_clean_file_is_previewed_then_imported(signed_in, organization):
    response = upload(signed_in, organization, csv_file(GOOD_ROWS))
    assert response.status_code == 200
    assert "All 3 lines are valid. Nothing is saved yet." in response.text
    assert not Need.objects.exists()

    response = signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    assert response.status_code == 302
    assert response["Location"] == reverse("needs:manage_needs", args=[organization.slug])
    needs = {need.title: need for need in Need.objects.all()}
    assert set(needs) == {"Hygiene kits", "Twin sheets", "Bus passes"}
    assert needs["Twin sheets"].category == "bedding"
    assert needs["Twin sheets"].priority == "normal"
    assert needs["Bus passes"].category == "gift_cards"
    assert needs["Bus passes"].priority == "high"
    assert all(need.organization == organization for need in needs.values())
    assert "Imported 3 lines." in signed_in.get(response["Location"]).text


def test_xlsx_files_import_the_same_way(signed_in, organization):
    rows = [["Pillows", "bedding", "normal", 10, "pillows", in_days(5), "New"]]
    response = upload(signed_in, organization, xlsx_file(rows))
    assert "All 1 lines are valid" in response.text or "The line is valid" in response.text
    signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    need = Need.objects.get()
    assert (need.title, need.quantity_needed, need.needed_by) == ("Pillows", 10, in_days(5))


@pytest.mark.parametrize("template", ["needs-template.csv", "needs-template.xlsx"])
def test_the_shipped_templates_match_the_columns_and_import_cleanly(
    signed_in, organization, template
):
    path = TEMPLATES / template
    response = upload(signed_in, organization, SimpleUploadedFile(template, path.read_bytes()))
    assert "All 3 lines are valid" in response.text
    content = path.read_bytes() if path.suffix == ".xlsx" else path.read_text()
    dataset = tablib.Dataset().load(content, format=path.suffix[1:])
    assert set(dataset.headers) <= set(NeedResource(organization).import_columns())


def test_every_bad_row_is_listed_with_its_line_and_nothing_is_written(signed_in, organization):
    rows = [
        ["Good soap", "hygiene", "", "5", "", "", ""],
        ["Typo count", "hygiene", "", "five", "", "", ""],
        ["Negative", "hygiene", "", "-3", "", "", ""],
        ["Huge", "hygiene", "", "250000", "", "", ""],
        ["Half", "hygiene", "", "2.5", "", "", ""],
        ["Spaceship fuel", "spaceships", "", "1", "", "", ""],
        ["Old date", "food", "", "1", "", "2020-01-31", ""],
        ["Far date", "food", "", "1", "", "2205-05-01", ""],
        ["Bad date", "food", "", "1", "", "soon", ""],
        ["", "food", "sometimes", "1", "", "", ""],
        ['=HYPERLINK("http://evil.example","Click")', "fuel", "", "1", "", "", ""],
        ["Sneaky", "food", "", "1", "", "", "@SUM(A1:A9)"],
    ]
    response = upload(signed_in, organization, csv_file(rows))
    errors = sheets.line_errors(response)
    assert "11 lines have errors" in response.text
    assert "Nothing was imported." in response.text
    assert 'name="payload"' not in response.text
    assert set(errors) == set(range(3, 14))
    assert "“five” is not a number" in errors[3]
    assert "quantity_needed: Enter at least 1." in errors[4]
    assert "Enter at most 10000." in errors[5]
    assert "Enter a whole number" in errors[6]
    assert "“spaceships” is not one of: hygiene, clothing" in errors[7]
    assert "2020-01-31 is in the past." in errors[8]
    assert "needed_by: Pick a day from Jan. 1, 2000 to Dec. 31, 2099." in errors[9]
    assert "“soon” is not a date" in errors[10]
    assert "title: This field cannot be blank." in errors[11]
    assert "“sometimes” is not one of: urgent, high, normal." in errors[11]
    assert "title: “=HYPERLINK" in errors[12] and "spreadsheets run as a formula" in errors[12]
    assert "“fuel” is not one of" in errors[12]
    assert "description:" in errors[13] and "formula" in errors[13]
    assert not Need.objects.exists()


def test_a_real_formula_cell_in_an_xlsx_file_is_refused(signed_in, organization):
    rows = [["Soap", "hygiene", "", "=2*3", "", "", ""], ["Pads", "hygiene", "", 4, "", "", ""]]
    response = upload(signed_in, organization, xlsx_file(rows))
    assert set(sheets.line_errors(response)) == {2}
    assert "formula" in sheets.line_errors(response)[2]
    assert not Need.objects.exists()


def test_line_numbers_follow_the_spreadsheet_across_blank_lines(signed_in, organization):
    rows = [["Soap", "hygiene", "", "4", "", "", ""], [], [], ["Pads", "nope", "", "4", "", "", ""]]
    response = upload(signed_in, organization, csv_file(rows))
    assert set(sheets.line_errors(response)) == {5}


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            csv_file([["Soap", "4"]], headers=["title", "quantity_needed"]),
            "Missing columns: category.",
        ),
        (
            csv_file(
                [["Soap", "hygiene", "4", "red"]],
                headers=[*HEADERS[:2], "quantity_needed", "colour"],
            ),
            "Unknown columns: colour.",
        ),
        (csv_file([], headers=HEADERS), "This file has column names but no rows to import."),
        (SimpleUploadedFile("needs.csv", b""), "The submitted file is empty."),
        (SimpleUploadedFile("needs.csv", b"\n ,, \n\n"), "This file is empty."),
        (
            SimpleUploadedFile("needs.xlsx", b"title,category\nSoap,hygiene\n"),
            "This file is not an Excel workbook, even though its name ends in .xlsx.",
        ),
        (
            SimpleUploadedFile("needs.xlsx", b"PK\x03\x04 not really a zip file at all"),
            "This file is not an Excel workbook",
        ),
        (SimpleUploadedFile("needs.xls", b"\xd0\xcf\x11\xe0"), "Upload a .csv or .xlsx file."),
        (SimpleUploadedFile("needs.csv", b"\x89PNG\r\n\x1a\n\x00\x00"), "This file is not a CSV"),
        (
            SimpleUploadedFile("needs.csv", b"a" * (20 * 1024 * 1024)),
            "This file is 20.0 MB; the limit is 2 MB.",
        ),
    ],
    ids=[
        "missing column",
        "unknown column",
        "no rows",
        "empty",
        "blank lines only",
        "csv renamed xlsx",
        "broken zip",
        "old excel",
        "binary csv",
        "20 MB",
    ],
)
def test_a_bad_file_gets_one_clear_message_and_nothing_is_written(
    signed_in, organization, file, message
):
    response = upload(signed_in, organization, file)
    assert response.status_code == 200
    assert message in response.text
    assert 'name="payload"' not in response.text
    assert not Need.objects.exists()


def test_too_many_rows_are_refused(signed_in, organization):
    rows = [[f"Item {i}", "other", "", "1", "", "", ""] for i in range(1001)]
    response = upload(signed_in, organization, csv_file(rows))
    assert "more than 1000 rows" in response.text


def test_an_id_updates_the_organizations_own_need_and_keeps_its_totals(
    signed_in, organization, donor
):
    need = make_need(organization, "Soap", quantity_needed=10)
    make_pledge(need, donor=donor, quantity=4)
    rows = [[need.pk, "Soap bars", "hygiene", "urgent", "20"]]
    headers = ["id", "title", "category", "priority", "quantity_needed"]
    response = upload(signed_in, organization, csv_file(rows, headers))
    assert "Update" in response.text
    signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    need.refresh_from_db()
    assert (need.title, need.priority, need.quantity_needed) == ("Soap bars", "urgent", 20)
    assert need.quantity_pledged == 4


def test_an_id_from_another_organization_cannot_touch_its_row(
    signed_in, organization, other_organization
):
    theirs = make_need(other_organization, "Their sheets", quantity_needed=3)
    headers = ["id", "title", "category", "quantity_needed"]
    rows = [[theirs.pk, "Stolen", "bedding", "1"], ["999999", "Made up", "bedding", "1"]]
    response = upload(signed_in, organization, csv_file(rows, headers))
    errors = sheets.line_errors(response)
    assert set(errors) == {2, 3}
    assert f"There is no row with id {theirs.pk} in Rended Heart." in errors[2]
    theirs.refresh_from_db()
    assert (theirs.title, theirs.organization) == ("Their sheets", other_organization)
    assert Need.objects.count() == 1


def test_a_preview_cannot_be_imported_into_another_organization(
    signed_in, organization, other_organization, coordinator
):
    Membership.objects.create(user=coordinator, organization=other_organization)
    response = upload(signed_in, organization, csv_file(GOOD_ROWS))
    response = signed_in.post(
        import_url(other_organization), {"payload": sheets.payload_of(response)}, follow=True
    )
    assert "This preview has expired. Please upload the file again." in response.text
    assert not Need.objects.exists()


def test_a_tampered_preview_is_refused(signed_in, organization):
    response = upload(signed_in, organization, csv_file(GOOD_ROWS))
    payload = sheets.payload_of(response)
    tampered = payload[:-1] + ("B" if payload.endswith("A") else "A")
    signed_in.post(import_url(organization), {"payload": tampered})
    assert not Need.objects.exists()


def test_the_import_page_offers_the_templates(signed_in, organization):
    text = signed_in.get(import_url(organization)).text
    assert "/static/needs/needs-template.csv" in text
    assert "/static/needs/needs-template.xlsx" in text


FORMULA_TITLES = ['=HYPERLINK("http://evil.example")', "+1 kits", "-2 kits", "@SUM(A1)"]


def test_needs_export_only_the_organizations_rows_with_formulas_neutralised(
    signed_in, organization, other_organization
):
    for title in FORMULA_TITLES:
        make_need(organization, title, quantity_needed=7)
    make_need(other_organization, "Their sheets")
    response = signed_in.get(reverse("needs:needs_export", args=[organization.slug, "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="rended-heart-needs.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == [f"'{title}" for title in FORMULA_TITLES]
    assert rows[0]["quantity_needed"] == "7"
    assert "Their sheets" not in response.content.decode()


def test_xlsx_export_keeps_numbers_as_numbers_and_text_as_text(signed_in, organization):
    make_need(organization, FORMULA_TITLES[0], quantity_needed=7)
    response = signed_in.get(reverse("needs:needs_export", args=[organization.slug, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell for cell in sheet[2]], strict=True))
    assert row["title"].data_type == "s"
    assert row["title"].value.startswith("'=")
    assert row["quantity_needed"].value == 7


def test_an_exported_file_imports_back_without_changes(signed_in, organization):
    make_need(organization, "Soap", quantity_needed=7, unit="bars")
    exported = signed_in.get(reverse("needs:needs_export", args=[organization.slug, "xlsx"]))
    response = upload(signed_in, organization, SimpleUploadedFile("back.xlsx", exported.content))
    assert "Unchanged" in response.text
    assert "The line is valid" in response.text


def test_pledges_export_neutralises_what_donors_typed(signed_in, organization, need):
    make_pledge(need, name="=cmd|' /C calc'!A0", email="x@example.test")
    services.pledge_confirm(Pledge.objects.get())
    response = signed_in.get(reverse("needs:pledges_export", args=[organization.slug, "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["donor_name"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["donor_email"] == "x@example.test"
    assert rows[0]["need"] == "Hygiene kits"


def test_the_pledges_export_words_status_and_method_as_the_site_does(
    signed_in, organization, need, donor, coordinator
):
    make_pledge(need, donor=donor, quantity=1)
    shipped = make_pledge(need, donor=donor, quantity=3, method=Pledge.Method.SHIPPING)
    services.pledge_receive(shipped, quantity=2, recorded_by=coordinator)
    services.pledge_cancel(shipped)
    response = signed_in.get(reverse("needs:pledges_export", args=[organization.slug, "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted((row["quantity"], row["method"], row["status"]) for row in rows) == [
        ("1", "dropped off in person", "Pledged"),
        ("3", "shipped from an online order", "2 of 3 arrived · the rest cancelled"),
    ]
    response = signed_in.get(
        "/es" + reverse("needs:pledges_export", args=[organization.slug, "csv"])
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row["method"] for row in rows} == {
        "se entrega en persona",
        "se envía por un pedido en línea",
    }


def test_site_staff_import_needs_for_any_organization_by_slug(organization, other_organization):
    dataset = tablib.Dataset(
        ["rended-heart", "Soap", "hygiene", "3"],
        ["justice-project-kc", "Socks", "clothing", "9"],
        headers=["organization", "title", "category", "quantity_needed"],
    )
    result = StaffNeedResource().import_data(dataset, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Need.objects.get(title="Socks").organization == other_organization


def test_site_staff_have_import_and_export_in_the_admin(client, organization):
    staff = make_user("staff@example.test", is_staff=True, is_superuser=True)
    client.force_login(staff)
    make_need(organization)
    assert client.get("/admin/needs/need/import/").status_code == 200
    assert client.get("/admin/needs/need/export/").status_code == 200
    assert client.get("/admin/needs/pledge/export/").status_code == 200


def test_headers_typed_by_hand_and_excels_windows_encoding_are_understood(signed_in, organization):
    content = "Title ,CATEGORY,Quantity needed,Unit\r\nCafé gift cards,gift cards,5,cards\r\n"
    file = SimpleUploadedFile("needs.csv", content.encode("cp1252"))
    response = upload(signed_in, organization, file)
    assert "The line is valid" in response.text
    signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    need = Need.objects.get()
    assert (need.title, need.category) == ("Café gift cards", "gift_cards")


def test_a_row_longer_than_its_header_is_refused(signed_in, organization):
    file = SimpleUploadedFile(
        "needs.csv", b"title,category,quantity_needed\nSoap,hygiene,4,extra\n"
    )
    response = upload(signed_in, organization, file)
    assert "Line 2 has more cells than the file has column names." in response.text


def test_a_failure_that_is_no_lines_fault_is_reported_and_nothing_written(
    signed_in, organization, monkeypatch
):
    def broken(self, dataset, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(NeedResource, "before_import", broken)
    response = upload(signed_in, organization, csv_file(GOOD_ROWS))
    assert "Something went wrong while reading this file" in response.text
    assert 'name="payload"' not in response.text
    assert not Need.objects.exists()


def test_importing_a_preview_again_after_pressing_back_imports_nothing_and_says_so(
    signed_in, organization
):
    preview = upload(signed_in, organization, csv_file(GOOD_ROWS))
    payload = sheets.payload_of(preview)
    imported = signed_in.post(import_url(organization), {"payload": payload}, follow=True)
    assert "Imported 3 lines." in imported.text
    assert Need.objects.count() == 3

    # Back to the preview page the browser kept, and "Import 3 lines" once more.
    response = signed_in.post(import_url(organization), {"payload": payload})
    assert response.status_code == 302
    assert response["Location"] == reverse("needs:manage_needs", args=[organization.slug])
    page = signed_in.get(response["Location"]).text
    assert "These 3 lines were already imported. Nothing was imported again." in page
    assert "Imported 3 lines." not in page
    assert "Hygiene kits" in page
    assert Need.objects.count() == 3


def test_a_semicolon_csv_with_a_byte_order_mark_imports_like_a_comma_one(signed_in, organization):
    # What Excel in Spanish saves as "CSV UTF-8": a byte order mark, then semicolons; a
    # cell that holds a semicolon is quoted.
    content = (
        "\ufefftitle;category;priority;quantity_needed;unit;needed_by;description\r\n"
        'Kits de higiene;hygiene;urgent;40;kits;;"Jabón; pasta de dientes"\r\n'
    )
    response = upload(signed_in, organization, SimpleUploadedFile("needs.csv", content.encode()))
    assert "The line is valid. Nothing is saved yet." in response.text
    signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    need = Need.objects.get()
    assert (need.title, need.category, need.priority) == ("Kits de higiene", "hygiene", "urgent")
    assert (need.quantity_needed, need.description) == (40, "Jabón; pasta de dientes")


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "cp1252"), (";", "utf-8-sig"), ("\t", "utf-8")],
    ids=["semicolons, Windows-1252", "semicolons, UTF-8 with BOM", "tabs"],
)
def test_semicolon_and_tab_separated_files_import_like_comma_ones(
    signed_in, organization, delimiter, encoding
):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADERS)
    writer.writerows([*GOOD_ROWS, ["Café gift cards, $25", "gift cards", "", "5", "cards", "", ""]])
    file = SimpleUploadedFile("needs.csv", out.getvalue().encode(encoding))
    response = upload(signed_in, organization, file)
    assert "All 4 lines are valid. Nothing is saved yet." in response.text
    signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    assert set(Need.objects.values_list("title", flat=True)) == {
        "Hygiene kits",
        "Twin sheets",
        "Bus passes",
        "Café gift cards, $25",
    }


def test_dates_in_a_semicolon_file_are_read_day_first_as_excel_wrote_them(signed_in, organization):
    # Excel set to Spanish (Spain or Latin America) writes 10 March as 10/03.
    march_10 = datetime.date(in_days(0).year + 1, 3, 10)
    content = (
        f"title;category;quantity_needed;needed_by\r\nSábanas;bedding;12;{march_10:%d/%m/%Y}\r\n"
    )
    response = upload(signed_in, organization, SimpleUploadedFile("n.csv", content.encode()))
    assert "The line is valid" in response.text
    signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    assert Need.objects.get().needed_by == march_10


def test_day_first_dates_in_a_comma_file_are_read_day_first_and_the_preview_says_so(
    signed_in, organization
):
    # Excel in Mexico or the UK: commas between cells, and the day before the month.
    year = in_days(0).year + 1
    content = (
        f"title,category,quantity_needed,needed_by\r\n"
        f"Sábanas,bedding,12,25/03/{year}\r\nToallas,bedding,6,03/04/{year}\r\n"
    )
    response = upload(signed_in, organization, SimpleUploadedFile("n.csv", content.encode()))
    assert "All 2 lines are valid. Nothing is saved yet." in response.text
    assert (
        f"Dates were read day first: 03/04/{year} is April 3, {year}. If it means March 4, "
        f"{year}, write the dates as YYYY-MM-DD ({year}-03-04) and upload the file again."
    ) in response.text
    signed_in.post(import_url(organization), {"payload": sheets.payload_of(response)})
    assert dict(Need.objects.values_list("title", "needed_by")) == {
        "Sábanas": datetime.date(year, 3, 25),
        "Toallas": datetime.date(year, 4, 3),
    }


def test_the_preview_says_in_spanish_how_the_dates_were_read(signed_in, organization):
    year = in_days(0).year + 1
    content = f"title,category,quantity_needed,needed_by\r\nSábanas,bedding,12,3/4/{year}\r\n"
    file = SimpleUploadedFile("n.csv", content.encode())
    response = signed_in.post(f"/es{import_url(organization)}", {"file": file})
    assert (
        f"Las fechas se leyeron con el mes primero: 3/4/{year} es el 4 de marzo de {year}. "
        f"Si quiere decir 3 de abril de {year}, escriba las fechas como AAAA-MM-DD "
        f"({year}-04-03) y vuelva a subir el archivo."
    ) in response.text


def test_a_semicolon_file_with_wrong_column_names_names_each_of_them(signed_in, organization):
    content = "título;categoría;cantidad\r\nSábanas;bedding;12\r\n"
    response = upload(signed_in, organization, SimpleUploadedFile("n.csv", content.encode()))
    assert "Missing columns: title, category, quantity_needed." in response.text
    assert "Unknown columns: título, categoría, cantidad." in response.text
    assert not Need.objects.exists()
