"""Every create, update and delete of business data lands in the audit log, private values masked."""
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import AuditLog, Campus
from tests import factories


def _entries(entity):
    return list(db.session.scalars(select(AuditLog).where(AuditLog.entity == entity).order_by(AuditLog.id)))


def test_create_update_and_delete_are_recorded_with_old_and_new_values():
    campus = Campus(name="三校区", address="建设路 3 号")
    db.session.add(campus)
    db.session.commit()
    campus.address = "建设路 5 号"
    db.session.commit()
    db.session.delete(campus)
    db.session.commit()
    created, updated, deleted = _entries("campuses")
    assert created.action == "create" and created.changes["name"] == [None, "三校区"]
    assert updated.action == "update" and updated.changes == {"address": ["建设路 3 号", "建设路 5 号"]}
    assert deleted.action == "delete" and deleted.entity_id == created.entity_id
    assert deleted.changes["address"] == ["建设路 5 号", None]  # what was removed, nothing replacing it


def test_encrypted_values_are_masked_in_the_log(campuses):
    factories.make_lead(campuses[0], name="王五", phone="13712345678", email="wangwu@example.com")
    db.session.commit()
    (entry,) = _entries("leads")
    assert entry.changes["phone_encrypted"] == [None, "***"]
    assert entry.changes["email"] == [None, "***"]
    assert "13712345678" not in str(entry.changes)


def test_actor_and_ip_are_recorded_for_changes_made_in_a_request(client, login_as, users):
    login_as("sales")
    client.post("/language", data={"locale": "en"})
    entry = [e for e in _entries("users") if e.action == "update"][-1]
    assert entry.actor_id == users["sales"].id
    assert entry.ip == "127.0.0.1"
    assert entry.changes == {"locale": [None, "en"]}


def test_an_update_that_changes_nothing_writes_no_entry(campuses):
    before = len(_entries("campuses"))
    campuses[0].address = campuses[0].address
    db.session.commit()
    assert len(_entries("campuses")) == before


def test_many_to_many_links_are_recorded_as_ids(campuses):
    from eduflow.models import Course, Tag

    english, maths = Course(name="英语", price=1, total_lessons=1), Course(name="数学", price=1, total_lessons=1)
    tag = Tag(name="重点")
    db.session.add_all([english, maths, tag])
    lead = factories.make_lead(campuses[0], name="王小明", courses=[english], tags=[])
    db.session.commit()
    lead.courses = [maths]
    lead.tags = [tag]
    db.session.commit()
    created, *updates = _entries("leads")
    assert created.changes["courses"] == [None, [english.id]] and "tags" not in created.changes
    updated = {key: value for entry in updates for key, value in entry.changes.items()}
    assert updated == {"courses": [[english.id], [maths.id]], "tags": [[], [tag.id]]}


def test_a_second_app_in_the_process_does_not_log_twice(database_url, tmp_path, monkeypatch):
    from eduflow import create_app
    from tests.conftest import make_test_config

    monkeypatch.setenv("EDUFLOW_INSTANCE_PATH", str(tmp_path))
    create_app(make_test_config(database_url, None))
    db.session.add(Campus(name="四校区"))
    db.session.commit()
    assert len(_entries("campuses")) == 1
