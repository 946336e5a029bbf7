"""Spreadsheet uploads and preview parsing shared by the needs and shift import tests."""

import csv
import io
import re

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile


def csv_file(rows, headers, name):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def xlsx_file(rows, headers, name):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def payload_of(response):
    return re.search(r'name="payload" value="([^"]+)"', response.text).group(1)


def line_errors(response):
    """{line number: text of its problems} from the preview table."""
    rows = re.findall(
        r'<tr class="preview-table__error">\s*<th scope="row">(\d+)</th>(.*?)</tr>',
        response.text,
        re.S,
    )
    return {int(line): re.sub(r"<[^>]+>", " ", cells) for line, cells in rows}
