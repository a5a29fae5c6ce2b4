"""Rejected rows: the file to fix carries no live formulas, and the stored messages quote no personal data."""
from __future__ import annotations

from openpyxl import load_workbook
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.imports import workbooks
from eduflow.models import ImportAction, ImportKind, ImportRow
from tests.imports.conftest import LEAD_HEADER, as_csv
from tests.imports.test_import_services import _preview

FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+SUM(1,1)", "-2+3", "@SUM(1)"]


def test_the_rejected_rows_file_writes_formula_like_cells_as_text(users, course):
    manager = users["manager"]
    rows = [LEAD_HEADER, [FORMULAS[0], "000", FORMULAS[1], "", "", "", "", "", FORMULAS[2]],
            [FORMULAS[3], "12345", "", "", "", "", "", "", ""]]
    batch = _preview(as_csv(rows), "leads.csv", manager)
    with workbooks.rejected_workbook(batch) as output:
        sheet = load_workbook(output).active
        cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    written = {cell.value: cell for cell in cells if isinstance(cell.value, str)}
    assert set(FORMULAS) <= set(written)
    assert all(written[text].data_type == "s" and written[text].quotePrefix for text in FORMULAS)
    assert not [cell for cell in cells if cell.data_type == "f"]


def _messages(batch) -> dict[int, str]:
    return {row.row_number: row.message for row in db.session.scalars(
        select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.action == ImportAction.REJECT))}


def _stored_messages() -> str:
    with db.engine.connect() as conn:
        return " ".join(conn.exec_driver_sql("SELECT message FROM import_rows").scalars())


def test_rejected_phone_and_email_are_masked_in_the_stored_message(users, course):
    manager = users["manager"]
    header = LEAD_HEADER + ["邮箱"]
    rows = [header, ["甲", "abc13812345678", "", "", "", "", "", "", "", "zhangsan.example.com"],
            ["乙", "1381234567", "", "", "", "", "", "", "", "wangwu@" + "x" * 130]]
    batch = _preview(as_csv(rows), "leads.csv", manager)
    messages = _messages(batch)
    assert "电话号码无效：****5678" in messages[2] and "邮箱格式不正确：***" in messages[2]
    assert "电话号码无效：****4567" in messages[3] and "邮箱格式不正确：w***@xxx" in messages[3]
    stored = _stored_messages()
    for secret in ("13812345678", "1381234567", "zhangsan", "wangwu"):
        assert secret not in stored


def test_a_phone_typed_with_letters_is_refused_by_the_import_too(users, course):
    batch = _preview(as_csv([LEAD_HEADER, ["甲", "abc13812345678", "", "", "", "", "", "", ""]]), "leads.csv",
                     users["manager"])
    assert batch.counts == {"reject": 1} and "电话号码无效" in _messages(batch)[2]


def test_rejected_id_card_and_parent_phone_are_masked_in_the_stored_message(users):
    manager = users["manager"]
    header = ["学员姓名", "电话", "身份证号", "家长姓名", "家长电话", "推荐学员"]
    rows = [header, ["丙", "13900000023", "110105194912310021", "丙妈妈", "139000000x24", ""]]
    batch = _preview(as_csv(rows), "students.csv", manager, kind=ImportKind.STUDENTS)
    message = _messages(batch)[2]
    assert "身份证号码无效：110105********0021" in message and "家长电话无效：****0x24" in message
    stored = _stored_messages()
    assert "110105194912310021" not in stored and "139000000x24" not in stored


def test_an_unknown_referrer_given_by_phone_is_masked_in_the_stored_message(users, course):
    rows = [LEAD_HEADER + ["推荐学员"], ["小朋友", "13900000031", "", "", "", "转介绍", "", "", "", "13900000099"]]
    batch = _preview(as_csv(rows), "ref.csv", users["manager"])
    assert "推荐学员「139****0099」" in _messages(batch)[2]
    assert "13900000099" not in _stored_messages()
