"""Reading an uploaded spreadsheet row by row: .xlsx through openpyxl's read-only mode and .csv in UTF-8
or GBK (what Excel in China saves), without holding the whole file in memory."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from flask_babel import gettext as _
from openpyxl import load_workbook

from eduflow.domain import DomainError

MAX_ROWS = 50_000
MAX_COLUMNS = 60
SAMPLE = 64 * 1024


class ImportFileError(DomainError):
    """The file cannot be read as a table; the message says why in the user's words."""


def read_table(stream: BinaryIO, filename: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header row and an iterator of (spreadsheet row number, cells as text) for the non-empty rows."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "xlsx":
        rows = _xlsx_rows(stream)
    elif suffix == "csv":
        rows = _csv_rows(stream)
    else:
        raise ImportFileError(_("只支持 Excel (.xlsx) 和 CSV (.csv) 文件。"))
    return _with_header(rows)


def _with_header(rows: Iterator[tuple[int, list[str]]]):
    for number, cells in rows:
        if any(cells):
            break
    else:
        raise ImportFileError(_("文件是空的：没有找到标题行。"))
    header = _header(cells)
    return header, _data_rows(rows, len(header))


def _header(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    if len(cells) > MAX_COLUMNS:
        raise ImportFileError(_("列数太多（超过 %(n)s 列），请确认第一行是标题行。", n=MAX_COLUMNS))
    names, seen = [], set()
    for index, cell in enumerate(cells, start=1):
        name = cell or _("第 %(n)s 列", n=index)
        while name in seen:
            name += "*"
        seen.add(name)
        names.append(name)
    return names


def _data_rows(rows, width: int):
    count = 0
    for number, cells in rows:
        if not any(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(_("文件超过 %(n)s 行，请分成几个文件导入。", n=MAX_ROWS))
        yield number, (cells + [""] * width)[:width]


def _text(value) -> str:
    """A cell as the text a person typed: whole numbers without ".0", dates without midnight."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


# ---------- .xlsx ----------

def _xlsx_rows(stream: BinaryIO):
    if not zipfile.is_zipfile(stream):
        raise ImportFileError(_("这不是有效的 Excel (.xlsx) 文件。旧版 .xls 请先在 Excel 中另存为 .xlsx。"))
    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip
        raise ImportFileError(_("无法读取这个 Excel 文件，文件可能已损坏。")) from None
    return _sheet_rows(workbook, sheet)


def _sheet_rows(workbook, sheet):
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_text(v) for v in values[:MAX_COLUMNS + 1]]
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(_("无法读取这个 Excel 文件，文件可能已损坏。")) from None
    finally:
        workbook.close()


# ---------- .csv ----------

def _encoding(stream: BinaryIO) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, otherwise GB18030 (a superset of GBK)."""
    stream.seek(0)
    head = stream.read(SAMPLE)
    if b"\x00" in head:
        raise ImportFileError(_("这不是文本格式的 CSV 文件。请上传 .xlsx，或在 Excel 中另存为 CSV。"))
    decoder = codecs.getincrementaldecoder("utf-8")()
    stream.seek(0)
    try:
        while chunk := stream.read(SAMPLE):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "gb18030"
    stream.seek(0)
    text = head.decode(encoding, errors="replace")
    if sum(1 for ch in text if ch < " " and ch not in "\r\n\t") > len(text) // 100:
        raise ImportFileError(_("这不是文本格式的 CSV 文件。请上传 .xlsx，或在 Excel 中另存为 CSV。"))
    return encoding


def _csv_rows(stream: BinaryIO):
    encoding = _encoding(stream)
    sample = stream.read(SAMPLE).decode(encoding, errors="ignore")
    stream.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] or ",", delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    return _reader_rows(csv.reader(text, delimiter=dialect.delimiter), text)


def _reader_rows(reader, text):
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [c.strip() for c in cells[:MAX_COLUMNS + 1]]
    except csv.Error:
        raise ImportFileError(_("CSV 文件格式有误，无法读取。")) from None
    finally:
        text.detach()
