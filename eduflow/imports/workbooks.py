"""The spreadsheets the importer hands out: an empty template per kind, and the rejected rows to fix and re-import."""
from __future__ import annotations

import io
import json

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from eduflow.exports.writers import xlsx_cell
from eduflow.extensions import db
from eduflow.imports.fields import fields_for
from eduflow.models import ImportAction, ImportBatch, ImportKind, ImportRow

def rejected_workbook(batch: ImportBatch):
    """The rejected rows as they were in the file, plus an error column: fix them and import again.
    Cells go through the exports' guard: a cell beginning with = + - @ is text, never a live formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("被拒绝的行"))
    sheet.append([xlsx_cell(sheet, value) for value in (_("原行号"), *batch.headers, _("错误原因"))])
    query = (select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.action == ImportAction.REJECT)
             .order_by(ImportRow.row_number).execution_options(yield_per=500))
    for row in db.session.scalars(query):
        sheet.append([xlsx_cell(sheet, value) for value in (row.row_number, *json.loads(row.cells), row.message)])
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    return output


def template_workbook(kind: ImportKind) -> io.BytesIO:
    """An empty sheet with every column the import understands, required ones marked."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("导入模板"))
    sheet.append([str(f.label) + ("*" if f.required else "") for f in fields_for(kind)])
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    return output
