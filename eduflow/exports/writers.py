"""Writing an export: CSV streamed row batch by row batch (the .xlsx writer is eduflow.exports.xlsx).

Cells are typed values (str, int, Decimal, date, datetime, None); each writer formats them its own way.
A text cell is never a formula: in CSV a leading = + - @ (or tab / carriage return) gets an apostrophe
(OWASP's advice against CSV injection), in .xlsx the cell is stored as text with Excel's quote prefix.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Iterable, Iterator
from urllib.parse import quote

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BATCH = 500  # rows per chunk of the streamed response
XLSX_FORMATS = {dt.datetime: "yyyy-mm-dd hh:mm", dt.date: "yyyy-mm-dd", Decimal: "0.00"}


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def csv_text(value) -> str:
    """One cell as CSV text: dates ISO, money with two decimals, text guarded against formulas."""
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if kind is int:
        return str(value)
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
    """An openpyxl write-only cell of `value`, typed and formatted as the exports write it (for the small
    workbooks built with openpyxl, such as an import's rejected rows); text stays text, never a live formula."""
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        cell.quotePrefix = is_formula_like(value)
    for kind, number_format in XLSX_FORMATS.items():
        if isinstance(value, kind):
            cell.number_format = number_format
            break
    return cell


def attachment(filename: str, fallback: str) -> str:
    """Content-Disposition for a Chinese file name: an ASCII fallback plus RFC 5987's filename*."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
