"""Reading an exported file back: CSV (with its BOM) and .xlsx, a column by its header, the export audit entries."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import AuditLog


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    response.close()
    assert body.startswith("\ufeff".encode()), "CSV starts with a UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response) -> list[tuple]:
    body = response.get_data()
    response.close()  # as a WSGI server does: closes the spooled file behind the download
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    rows = [tuple(row) for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    return rows


def column(rows, header: str) -> list:
    """The values under a header, data rows only."""
    index = list(rows[0]).index(header)
    return [row[index] for row in rows[1:]]


def export_audits() -> list[AuditLog]:
    db.session.expire_all()
    return db.session.scalars(select(AuditLog).where(AuditLog.action == "export").order_by(AuditLog.id)).all()

