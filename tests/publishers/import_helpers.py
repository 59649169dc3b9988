"""Spreadsheets for the import tests, built with openpyxl and csv, and the exhibitor they go to."""

import csv
import io
import itertools

import factory
from openpyxl import Workbook
from stdnum import ean
from stdnum.vn import mst

from publishers.enums import OrganisationType
from publishers.models import Exhibitor, Publisher

_numbers = itertools.count(1)

HEADERS = [
    "ISBN",
    "Tên sách",
    "Tác giả",
    "Nhà xuất bản",
    "Năm xuất bản",
    "Thể loại",
    "Giá bìa",
    "Giá bán",
    "Số lượng",
]


def isbn(n: int) -> str:
    """A valid 978-604 ISBN-13 (digits only), different for each n."""
    body = f"978604{n % 1_000_000:06d}"
    return body + ean.calc_check_digit(body)


def hyphenated(value: str) -> str:
    return f"{value[:3]}-{value[3:6]}-{value[6:8]}-{value[8:12]}-{value[12]}"


def book(n: int, **changes) -> list:
    """One row under HEADERS."""
    row = {
        "ISBN": isbn(n),
        "Tên sách": f"Đường về nhà tập {n}",
        "Tác giả": "Nguyễn Văn Ưng",
        "Nhà xuất bản": "NXB Trẻ",
        "Năm xuất bản": 2024,
        "Thể loại": "Văn học",
        "Giá bìa": 100000,
        "Giá bán": 85000,
        "Số lượng": 10,
    }
    row.update(changes)
    return [row[h] for h in HEADERS]


def xlsx(rows, headers=HEADERS, above=(), merge=(), sheet_title="Sheet1", before_sheets=()) -> bytes:
    """An XLSX file: lines `above` the headers, the headers, the rows; `merge`: ranges to merge."""
    workbook = Workbook()
    first = workbook.active
    for name, content in before_sheets:
        extra = workbook.create_sheet(name, 0)
        for line in content:
            extra.append(line)
    first.title = sheet_title
    for line in above:
        first.append(list(line))
    if headers is not None:
        first.append(list(headers))
    for row in rows:
        first.append(list(row))
    for ref in merge:
        first.merge_cells(ref)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, headers=HEADERS, delimiter=",", bom=False, encoding="utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    if headers is not None:
        writer.writerow(headers)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)


def tax_code(n: int) -> str:
    body = f"03{n % 10_000_000:07d}"
    return body + mst.calc_check_digit(body)


class ImportPublisherFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Công ty Sách Phương Nam {n}")
    kind = OrganisationType.DISTRIBUTOR
    tax_code = factory.Sequence(lambda n: tax_code(n + 5000))
    contact_name = "Đặng Thị Hương"
    email = factory.Sequence(lambda n: f"phuongnam{n}@example.vn")
    phone = "+842439434730"

    class Meta:
        model = Publisher


class ImportExhibitorFactory(factory.django.DjangoModelFactory):
    publisher = factory.SubFactory(ImportPublisherFactory)
    booths = "B07"

    class Meta:
        model = Exhibitor
