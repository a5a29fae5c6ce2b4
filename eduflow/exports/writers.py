"""Writing an export: CSV streamed row batch by row batch, .xlsx through openpyxl's write-only mode.

Cells are typed values (str, int, Decimal, date, datetime, None); each writer formats them its own way.
A text cell is never a formula: in CSV a leading = + - @ (or tab / carriage return) gets an apostrophe
(OWASP's advice against CSV injection), in .xlsx the cell is stored as text with Excel's quote prefix.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from decimal import Decimal
from typing import BinaryIO, Iterable, Iterator
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BATCH = 200  # rows per chunk of the streamed response
SPOOL_BYTES = 8 * 1024 * 1024  # an .xlsx bigger than this waits on disk, not in memory
XLSX_FORMATS = {dt.datetime: "yyyy-mm-dd hh:mm", dt.date: "yyyy-mm-dd", Decimal: "0.00"}


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def csv_text(value) -> str:
    """One cell as CSV text: dates ISO, money with two decimals, text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def csv_chunks(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel in China opens it as UTF-8, not GBK), CRLF lines, a chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([csv_text(h) for h in headers])
    pending = 0
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
        pending += 1
        if pending >= CSV_BATCH:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def xlsx_cell(sheet, value) -> WriteOnlyCell:
    """A write-only cell of `value`, typed and formatted; text stays text, never a live formula."""
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        cell.quotePrefix = is_formula_like(value)
    for kind, number_format in XLSX_FORMATS.items():
        if isinstance(value, kind):
            cell.number_format = number_format
            break
    return cell


def xlsx_file(title: str, headers: list[str], widths: list[int], rows: Iterable[list]):
    """A one-sheet workbook: (file, size) to send, and the number of data rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = xlsx_cell(sheet, header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
        count += 1
    return _saved(workbook), count


def _saved(workbook) -> tuple[BinaryIO, int]:
    """The saved workbook, rewound, and its size. Up to SPOOL_BYTES it is handed over as bytes in memory;
    a bigger one stays in its temporary file on disk, which the response closes (and so deletes) once sent."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    workbook.save(spool)
    size = spool.tell()
    spool.seek(0)
    if size > SPOOL_BYTES:
        return spool, size
    with spool:
        return io.BytesIO(spool.read()), size


def attachment(filename: str, fallback: str) -> str:
    """Content-Disposition for a Chinese file name: an ASCII fallback plus RFC 5987's filename*."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
