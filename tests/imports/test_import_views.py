"""The import pages over HTTP: upload, mapping, the polled steps, commit, rollback, downloads and bad input."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import AuditLog, ImportBatch, ImportStatus, Lead
from tests.imports.conftest import LEAD_HEADER, as_csv, lead_rows


def _upload(client, content, name="leads.csv", **extra):
    data = {"kind": "leads", "file": (content, name), **extra}
    return client.post("/imports", data=data, content_type="multipart/form-data")


def _poll(client, batch_id):
    for _ in range(100):
        response = client.post(f"/imports/{batch_id}/step", headers={"HX-Request": "true"})
        if response.status_code == 204:
            assert response.headers["HX-Redirect"] == f"/imports/{batch_id}"
            return
        assert response.status_code == 200 and 'data-testid="import-progress"' in response.get_data(as_text=True)
    raise AssertionError("never finished")


def _mapping_form(batch: ImportBatch) -> dict:
    return {f"col_{key}": str(index) for key, index in batch.mapping.items()}


def test_a_manager_uploads_previews_commits_and_rolls_back(client, login_as, users, course):
    login_as("manager")
    response = _upload(client, as_csv([LEAD_HEADER, *lead_rows(3), ["坏行", "123", "", "", "", "", "", "", ""]]))
    assert response.status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="mapping-form"' in page and "手机号" in page

    assert client.post(f"/imports/{batch.id}/mapping", data=_mapping_form(batch)).status_code == 302
    assert 'data-testid="import-progress"' in client.get(f"/imports/{batch.id}").get_data(as_text=True)
    _poll(client, batch.id)
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "新建 3" in page and "拒绝 1" in page and "电话号码无效：****123" in page
    assert db.session.scalar(select(func.count()).select_from(Lead)) == 0

    refused = client.post(f"/imports/{batch.id}/commit", data={})
    assert refused.status_code == 422 and "1 行被拒绝" in refused.get_data(as_text=True)
    rejected = client.get(f"/imports/{batch.id}/rejected.xlsx")
    sheet = load_workbook(io.BytesIO(rejected.data)).active
    assert [c.value for c in next(sheet.iter_rows(min_row=2))][1] == "坏行"

    assert client.post(f"/imports/{batch.id}/commit", data={"skip_rejected": "y"}).status_code == 302
    _poll(client, batch.id)
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "导入完成：新建 3，更新 0。" in page
    assert db.session.scalar(select(func.count()).select_from(Lead)) == 3

    assert client.post(f"/imports/{batch.id}/rollback").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Lead)) == 0
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.ROLLED_BACK
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"import_upload", "import", "import_rollback"} <= actions


def test_the_preview_filters_rows_by_result_as_a_fragment(client, login_as, users, course):
    login_as("manager")
    _upload(client, as_csv([LEAD_HEADER, *lead_rows(2), ["坏行", "123", "", "", "", "", "", "", ""]]))
    batch = db.session.scalar(select(ImportBatch))
    client.post(f"/imports/{batch.id}/mapping", data=_mapping_form(batch))
    _poll(client, batch.id)
    fragment = client.get(f"/imports/{batch.id}?action=reject", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "坏行" in fragment and "学员0" not in fragment


def test_bad_uploads_get_a_clear_message_and_create_nothing(client, login_as, users):
    login_as("manager")
    for content, name, message in ((b"\x00\x01garbage" * 1000, "leads.xlsx", "不是有效的 Excel"),
                                   (b"", "leads.csv", "文件是空的"),
                                   (b"a,b", "leads.pdf", "只支持")):
        response = _upload(client, io.BytesIO(content), name)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_binary_garbage_named_csv_gets_a_clear_message(client, login_as, users):
    """(10 MB of it are read by the service test; the test client leaks its own temporary file beyond 500 kB.)"""
    login_as("manager")
    garbage = io.BytesIO(bytes(range(1, 256)) * 1600)
    response = _upload(client, garbage, "leads.csv")
    assert response.status_code == 422 and "不是文本格式的 CSV" in response.get_data(as_text=True)


def test_a_file_beyond_the_upload_limit_is_refused(client, login_as, users, app):
    login_as("manager")
    body = b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/imports", data=body, content_type="multipart/form-data; boundary=x")
    assert response.status_code == 413 and "上传的文件太大" in response.get_data(as_text=True)


def test_an_admin_must_choose_the_campus(client, login_as, users, campuses):
    login_as("admin")
    response = _upload(client, as_csv([LEAD_HEADER, *lead_rows(1)]))
    assert response.status_code == 422 and "请选择校区" in response.get_data(as_text=True)
    response = _upload(client, as_csv([LEAD_HEADER, *lead_rows(1)]), campus_id=str(campuses[1].id))
    assert response.status_code == 302
    assert db.session.scalar(select(ImportBatch.campus_id)) == campuses[1].id


def test_a_mapping_without_required_columns_is_refused(client, login_as, users):
    login_as("manager")
    _upload(client, as_csv([["编号", "金额"], ["1", "2"]]))
    batch = db.session.scalar(select(ImportBatch))
    response = client.post(f"/imports/{batch.id}/mapping", data={"col_name": "0", "col_phone": "0"})
    assert response.status_code == 422 and "同一列不能对应两个字段" in response.get_data(as_text=True)
    response = client.post(f"/imports/{batch.id}/mapping", data={"col_name": "7"})
    assert response.status_code == 422
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.MAPPING


def test_a_manager_sees_only_their_campus_imports(client, login_as, users, course):
    login_as("manager_b")
    _upload(client, as_csv([LEAD_HEADER, *lead_rows(1)]))
    other = db.session.scalar(select(ImportBatch))
    client.post("/logout")
    login_as("manager")
    assert client.get(f"/imports/{other.id}").status_code == 404
    assert f"/imports/{other.id}" not in client.get("/imports").get_data(as_text=True)
