"""The import rules as services: preview changes nothing, commit is all-or-nothing, re-import is
idempotent, rollback restores the previous state exactly, and files are read in UTF-8, GBK and xlsx."""
from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.imports import services, workbooks
from eduflow.imports.reading import ImportFileError
from eduflow.leads.followups import add_lead_follow_up
from eduflow.models import (
    AuditLog, FollowUpMethod, ImportAction, ImportBatch, ImportKind, ImportStatus, Lead, LeadStage, LeadStageChange, Parent, Student,
)
from tests import factories
from tests.imports.conftest import LEAD_HEADER, as_csv, as_xlsx, lead_rows


def _run(batch: ImportBatch, by) -> ImportBatch:
    """Drive the steps the progress bar would poll, until the running phase ends."""
    batch_id = batch.id
    db.session.commit()
    for _ in range(1000):
        current = db.session.get(ImportBatch, batch_id)
        if current.status not in services.RUNNING:
            return current
        services.run_step(batch_id, by)
        db.session.expire_all()
    raise AssertionError("the import never finished")


def _preview(stream, name, user, kind=ImportKind.LEADS, campus=None) -> ImportBatch:
    batch = services.upload(stream, name, kind=kind, campus_id=campus or user.campus_id, by=user)
    services.set_mapping(batch, batch.mapping)
    return _run(batch, user)


def _commit(batch, user, skip_rejected=False) -> ImportBatch:
    services.start_commit(batch, skip_rejected=skip_rejected)
    return _run(batch, user)


def _leads() -> int:
    return db.session.scalar(select(func.count()).select_from(Lead))


def test_headers_are_recognised_and_the_preview_changes_nothing(users, course):
    manager = users["manager"]
    batch = _preview(as_csv([LEAD_HEADER, *lead_rows(3)]), "leads.csv", manager)
    assert batch.status == ImportStatus.PREVIEWED
    assert set(batch.mapping) >= {"name", "phone", "contact_name", "courses", "owner", "source", "stage", "created_at"}
    assert batch.counts == {"create": 3}
    assert _leads() == 0


def test_commit_creates_leads_keeping_owner_and_dates(users, course):
    manager = users["manager"]
    batch = _commit(_preview(as_csv([LEAD_HEADER, *lead_rows(3)]), "leads.csv", manager), manager)
    assert batch.status == ImportStatus.DONE
    lead = db.session.scalar(select(Lead).where(Lead.name == "学员1"))
    assert lead.phone == "13900000001" and lead.owner_id == users["sales"].id and lead.contact_name == "家长1"
    assert [c.name for c in lead.courses] == ["少儿英语"] and lead.source.name == "地推"
    assert lead.created_at.strftime("%Y-%m-%d %H:%M") == "2024-03-02 01:30"  # 09:30 in Shanghai, stored as UTC
    assert db.session.scalar(select(func.count()).select_from(LeadStageChange)) == 3
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "import"))
    assert entry.changes["created"] == 3 and entry.actor_id == manager.id


def test_reimporting_the_same_file_creates_nothing_new(users, course):
    manager = users["manager"]
    rows = [LEAD_HEADER, *lead_rows(3)]
    _commit(_preview(as_csv(rows), "leads.csv", manager), manager)
    again = _preview(as_csv(rows), "leads.csv", manager)
    assert again.counts == {"unchanged": 3}
    with pytest.raises(DomainError):
        services.start_commit(again, skip_rejected=False)  # nothing to import
    assert _leads() == 3


def test_a_changed_row_updates_the_lead_with_the_same_phone(users, course):
    manager = users["manager"]
    _commit(_preview(as_csv([LEAD_HEADER, *lead_rows(2)]), "leads.csv", manager), manager)
    changed = lead_rows(2)
    changed[0][2] = "新家长"
    batch = _commit(_preview(as_csv([LEAD_HEADER, *changed]), "leads.csv", manager), manager)
    assert batch.counts["applied"] == {"update": 1}
    assert _leads() == 2
    assert db.session.scalar(select(Lead.contact_name).where(Lead.name == "学员0")) == "新家长"


def test_rows_are_rejected_with_every_reason(users, course):
    manager = users["manager"]
    rows = [LEAD_HEADER,
            ["", "12345", "", "钢琴课", "sales_b", "", "", "", ""],
            ["好学员", "13900000009", "", "", "", "", "", "", ""],
            ["重复的", "139-0000-0009", "", "", "", "", "", "", ""],
            ["流失了", "13900000010", "", "", "", "", "已流失", "", ""]]
    batch = _preview(as_csv(rows), "bad.csv", manager)
    messages = {r.row_number: r.message for r in db.session.scalars(select(services.ImportRow)
                                                                     .where(services.ImportRow.batch_id == batch.id))}
    assert "缺少姓名" in messages[2] and "电话号码无效" in messages[2] and "未知的课程：钢琴课" in messages[2]
    assert "负责人「sales_b」不是本校区在职的员工" in messages[2]
    assert messages[3] == ""
    assert "与第 3 行的电话重复" in messages[4]
    assert "流失原因" in messages[5]
    assert batch.counts == {"create": 1, "reject": 3}


def test_one_bad_row_blocks_the_commit_until_skipped_by_choice(users, course):
    manager = users["manager"]
    rows = [LEAD_HEADER, *lead_rows(2), ["坏行", "000", "", "", "", "", "", "", ""]]
    batch = _preview(as_csv(rows), "leads.csv", manager)
    with pytest.raises(DomainError, match="1 行被拒绝"):
        services.start_commit(batch, skip_rejected=False)
    assert batch.status == ImportStatus.PREVIEWED and _leads() == 0
    batch = _commit(batch, manager, skip_rejected=True)
    assert batch.status == ImportStatus.DONE and _leads() == 2
    with workbooks.rejected_workbook(batch) as output:
        values = [[c.value for c in row] for row in load_workbook(output).active.iter_rows()]
    assert values[0][-1] == "错误原因" and values[1][0] == 4 and values[1][1] == "坏行" and "电话号码无效" in values[1][-1]


def _snapshot() -> dict:
    """Every business column of every lead, its intended courses and its stage history."""
    skip = {"updated_at", "version"}
    leads = {}
    for lead in db.session.scalars(select(Lead).order_by(Lead.id)):
        columns = {c.key: getattr(lead, c.key) for c in Lead.__mapper__.column_attrs if c.key not in skip}
        leads[lead.id] = (columns, sorted(c.id for c in lead.courses))
    changes = db.session.scalar(select(func.count()).select_from(LeadStageChange))
    return {"leads": leads, "stage_changes": changes}


def test_rollback_restores_the_previous_state_exactly(users, course):
    manager = users["manager"]
    factories.make_course("少儿数学", total_lessons=10, price="100")
    _commit(_preview(as_csv([LEAD_HEADER, *lead_rows(2)]), "first.csv", manager), manager)
    before = _snapshot()
    changed = lead_rows(3)
    changed[0][2], changed[0][8], changed[0][3] = "新家长", "改过的备注", "少儿英语、少儿数学"
    changed[1][1] = "139 0000 0001"  # the same number, written differently: still an update, not a new lead
    changed[1][5] = "线上广告"
    batch = _commit(_preview(as_csv([LEAD_HEADER, *changed]), "second.csv", manager), manager)
    assert batch.counts["applied"] == {"create": 1, "update": 2}
    assert _snapshot() != before
    services.rollback(batch, by=manager)
    db.session.commit()
    db.session.expire_all()
    assert _snapshot() == before
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.ROLLED_BACK
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "import_rollback")) is not None


def test_rollback_is_refused_once_an_imported_lead_was_worked_on(users, course):
    manager = users["manager"]
    batch = _commit(_preview(as_csv([LEAD_HEADER, *lead_rows(2)]), "leads.csv", manager), manager)
    lead = db.session.scalar(select(Lead).where(Lead.name == "学员0"))
    add_lead_follow_up(lead, by=users["sales"], method=FollowUpMethod.PHONE, content="约了试听")
    db.session.commit()
    with pytest.raises(DomainError, match="学员0"):
        services.rollback(batch, by=manager)
    db.session.rollback()
    assert _leads() == 2 and db.session.get(ImportBatch, batch.id).status == ImportStatus.DONE


def test_a_failing_step_undoes_the_rows_already_applied(users, course, monkeypatch):
    manager = users["manager"]
    monkeypatch.setattr(services, "COMMIT_STEP", 2)
    batch = _preview(as_csv([LEAD_HEADER, *lead_rows(5)]), "leads.csv", manager)
    original = services.row_rules.apply

    def fail_on_fifth(context, outcome, by):
        if outcome.values["name"] == "学员4":
            raise DomainError("磁盘满了")
        return original(context, outcome, by)

    monkeypatch.setattr(services.row_rules, "apply", fail_on_fifth)
    batch = _commit(batch, manager)
    assert batch.status == ImportStatus.FAILED and "磁盘满了" in batch.error
    assert _leads() == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_and_gbk(users, course, encoding):
    manager = users["manager"]
    batch = _preview(as_csv([LEAD_HEADER, *lead_rows(2)], encoding), "leads.csv", manager)
    assert batch.headers[0] == "姓名" and batch.counts == {"create": 2}
    assert services.preview_rows(batch, list(db.session.scalars(select(services.ImportRow)
                                                                .order_by(services.ImportRow.row_number))))[0][1] == "学员0"


def test_xlsx_with_numbers_and_dates(users, course):
    import datetime as dt

    manager = users["manager"]
    rows = [LEAD_HEADER, ["王小明", 13900000001, "", "少儿英语", "", "", "", dt.datetime(2023, 5, 6, 10, 0), ""]]
    batch = _preview(as_xlsx(rows), "leads.xlsx", manager)
    assert batch.counts == {"create": 1}
    _commit(batch, manager)
    lead = db.session.scalar(select(Lead))
    assert lead.phone == "13900000001" and lead.owner_id is None and lead.stage == LeadStage.NEW


@pytest.mark.parametrize("name, content, message", [
    ("leads.xlsx", b"not a zip at all", "不是有效的 Excel"),
    ("leads.xlsx", b"PK\x03\x04" + b"\x00" * 200, "不是有效的 Excel"),
    ("leads.csv", b"", "文件是空的"),
    ("leads.csv", "姓名,电话\n".encode(), "没有数据"),
    ("leads.csv", bytes(range(256)) * 40000, "不是文本格式"),
    ("leads.txt", b"a,b", "只支持"),
])
def test_malformed_files_get_a_clear_message(users, name, content, message):
    with pytest.raises((ImportFileError, DomainError), match=message):
        services.upload(io.BytesIO(content), name, kind=ImportKind.LEADS, campus_id=users["manager"].campus_id,
                        by=users["manager"])


def test_wrong_columns_cannot_be_mapped(users):
    manager = users["manager"]
    batch = services.upload(as_csv([["编号", "金额"], ["1", "2"]]), "x.csv", kind=ImportKind.LEADS,
                            campus_id=manager.campus_id, by=manager)
    assert batch.mapping == {}
    with pytest.raises(DomainError, match="姓名"):
        services.set_mapping(batch, {})


def test_the_last_mapping_is_remembered(users, course):
    manager = users["manager"]
    first = services.upload(as_csv([["客户", "号码"], ["甲", "13900000001"]]), "a.csv", kind=ImportKind.LEADS,
                            campus_id=manager.campus_id, by=manager)
    services.set_mapping(first, {"name": 0, "phone": 1})
    db.session.commit()
    second = services.upload(as_csv([["号码", "客户"], ["13900000002", "乙"]]), "b.csv", kind=ImportKind.LEADS,
                             campus_id=manager.campus_id, by=manager)
    assert second.mapping == {"name": 1, "phone": 0}


def test_students_import_with_parent_and_upsert(users):
    manager = users["manager"]
    header = ["学员姓名", "电话", "性别", "身份证号", "家长姓名", "家长电话", "状态", "负责人"]
    rows = [header, ["李小华", "13900000021", "女", "11010519491231002X", "李妈妈", "13900000022", "在读", "sales"],
            ["坏身份证", "13900000023", "", "110105194912310021", "", "", "", ""]]
    batch = _commit(_preview(as_csv(rows), "students.csv", manager, kind=ImportKind.STUDENTS), manager,
                    skip_rejected=True)
    assert batch.counts["reject"] == 1
    student = db.session.scalar(select(Student))
    assert student.name == "李小华" and student.id_card == "11010519491231002X" and student.owner_id == users["sales"].id
    parent = db.session.scalar(select(Parent))
    assert parent.is_primary and parent.name == "李妈妈" and parent.phone == "13900000022"
    again = _preview(as_csv(rows[:2]), "students.csv", manager, kind=ImportKind.STUDENTS)
    assert again.counts == {"unchanged": 1}
    services.rollback(db.session.get(ImportBatch, batch.id), by=manager)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Student)) == 0
    assert db.session.scalar(select(func.count()).select_from(Parent)) == 0


def test_referral_rows_need_a_referring_student(users, course):
    manager = users["manager"]
    rows = [LEAD_HEADER + ["推荐学员"], ["小朋友", "13900000031", "", "", "", "转介绍", "", "", "", "不存在的人"]]
    batch = _preview(as_csv(rows), "ref.csv", manager)
    row = db.session.scalar(select(services.ImportRow).where(services.ImportRow.batch_id == batch.id))
    assert row.action == ImportAction.REJECT and "推荐学员" in row.message


def test_cells_are_stored_encrypted(users, course, app):
    manager = users["manager"]
    batch = services.upload(as_csv([LEAD_HEADER, *lead_rows(1)]), "x.csv", kind=ImportKind.LEADS,
                            campus_id=manager.campus_id, by=manager)
    db.session.commit()
    with db.engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT cells FROM import_rows").scalar()
    assert "13900000000" not in raw and json.loads(db.session.scalar(select(services.ImportRow.cells)))[1] == "13900000000"
    assert batch.total_rows == 1
