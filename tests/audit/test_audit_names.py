"""审计日志 by name: the operator and the record are typed as names (found from an index, capped), not as ids."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event, insert

from eduflow.admin.audit_names import people_named, records_named
from eduflow.extensions import analyze, db
from eduflow.models import AuditLog, Role, Student
from tests import factories

HTMX = {"HX-Request": "true"}


def entry(entity: str, entity_id, actor=None, action: str = "update") -> AuditLog:
    log = AuditLog(action=action, entity=entity, entity_id=str(entity_id), actor_id=actor.id if actor else None,
                   ip="10.0.0.9", created_at=dt.datetime(2025, 5, 1, 4, 0))
    db.session.add(log)
    db.session.commit()
    return log


def shown(client, **query) -> set[int]:
    page = client.get("/admin/audit", query_string=query).get_data(as_text=True)
    return {int(n) for n in re.findall(r'data-testid="audit-row-(\d+)"', page)}


def errors(client, **query) -> str:
    page = client.get("/admin/audit", query_string=query).get_data(as_text=True)
    found = re.search(r'data-testid="form-error".*?</div>\s*</div>', page, re.S)
    return found.group(0) if found else ""


@pytest.fixture
def teachers(campuses):
    """李老师 (li_teacher) and 李明 (liming), each with one logged change."""
    made = {name: factories.make_user(username, Role.TEACHER, campuses[0], display_name=name)
            for username, name in (("li_teacher", "李老师"), ("liming", "李明"))}
    db.session.commit()
    return {name: (user, entry("courses", 1, actor=user)) for name, user in made.items()}


def test_the_operator_is_found_by_name_username_or_the_start_of_either(client, login_as, teachers):
    login_as("admin")
    (teacher, by_teacher), (_ming, by_ming) = teachers["李老师"], teachers["李明"]
    assert shown(client, entity="courses", actor="李老师") == {by_teacher.id}
    assert shown(client, entity="courses", actor="li_t") == {by_teacher.id}
    assert shown(client, entity="courses", actor="李明 (liming)") == {by_ming.id}
    assert shown(client, entity="courses", actor="liming") == {by_ming.id}
    assert teacher.id not in shown(client, entity="courses", actor="李明")


def test_an_ambiguous_or_unknown_operator_says_so_and_does_not_filter(client, login_as, teachers):
    login_as("admin")
    both = {log.id for _user, log in teachers.values()}
    assert shown(client, entity="courses", actor="李") >= both
    message = errors(client, entity="courses", actor="李")
    assert "多位用户" in message and "李老师 (li_teacher)" in message and "李明 (liming)" in message
    assert "没有找到名为“王五”的用户" in errors(client, actor="王五")


def test_a_lead_is_found_by_any_part_of_its_name_or_its_pinyin_even_once_deleted(client, login_as, campuses,
                                                                                 users):
    wang = factories.make_lead(campuses[0], name="王小明", owner=users["sales"])
    li = factories.make_lead(campuses[1], name="李四", owner=users["sales_b"])
    db.session.commit()
    mine, other = entry("leads", wang.id), entry("leads", li.id)
    login_as("admin")
    for typed in ("王小明", "小明", "wangxiaoming", "wxm"):
        assert shown(client, action="update", entity="leads", record=typed) == {mine.id}, typed
    assert shown(client, action="update", entity="leads", record="李四") == {other.id}  # every campus: the admin's log
    wang.deleted_at = dt.datetime(2025, 5, 2)
    db.session.commit()
    found = shown(client, action="update", entity="leads", record="小明")
    assert mine.id in found and other.id not in found  # and the deletion's own entry


def test_students_classes_and_reference_records_are_found_by_name(client, login_as, campuses, users, course):
    student = factories.make_student(campuses[0], name="赵小六", owner=users["sales"])
    group = factories.make_class(course, campuses[0], name="英语一班")
    db.session.commit()
    of_student, of_class, of_course = entry("students", student.id), entry("classes", group.id), entry(
        "courses", course.id)
    login_as("admin")
    for typed in ("赵小六", "赵小", "zhaoxiaoliu", "zxl"):
        assert shown(client, action="update", entity="students", record=typed) == {of_student.id}, typed
    assert shown(client, action="update", entity="classes", record="英语") == {of_class.id}
    assert shown(client, action="update", entity="courses", record="少儿英语") == {of_course.id}
    assert shown(client, action="update", entity="users", record="Sales2") == set()  # a user's own record: found, never changed
    assert "没有找到名为“钱七”的学员" in errors(client, entity="students", record="钱七")


def test_a_record_name_needs_a_kind_of_record_that_has_names(client, login_as):
    login_as("admin")
    entry("payments", 1)
    for query in ({"record": "张三"}, {"entity": "payments", "record": "张三"}):
        message = errors(client, **query)
        assert "按名称查找请先选择对象" in message and "线索" in message and "学员" in message
        assert shown(client, **query), "the other filters still apply"


def test_a_name_standing_for_more_records_than_the_cap_asks_for_a_fuller_one(client, login_as, campuses, users,
                                                                           monkeypatch):
    monkeypatch.setattr("eduflow.admin.forms_audit.LOOKUP_CAP", 2)
    leads = [factories.make_lead(campuses[0], name=f"王{n}号", owner=users["sales"]) for n in range(3)]
    db.session.commit()
    logged = {entry("leads", lead.id).id for lead in leads}
    login_as("admin")
    assert "超过 2 条" in errors(client, entity="leads", record="王")
    assert shown(client, action="update", entity="leads", record="王") == logged  # not filtered by a guess
    assert shown(client, action="update", entity="leads", record="王1") == {min(logged) + 1}


def test_lookups_stop_at_their_cap(campuses, users):
    for n in range(5):
        factories.make_lead(campuses[0], name=f"张{n}", owner=users["sales"])
        factories.make_user(f"zhang{n}", Role.SALES, campuses[0], display_name=f"张老师{n}")
    db.session.commit()
    found = records_named("leads", "张", cap=3)
    assert len(found.ids) == 3 and found.more and found.labels == sorted(found.labels)
    people = people_named("张老师", cap=3)
    assert len(people.ids) == 3 and people.more
    assert records_named("leads", "张", cap=10).more is False


def test_suggestions_fill_the_datalists_as_the_admin_types(client, login_as, teachers, campuses, users):
    factories.make_lead(campuses[0], name="王小明", owner=users["sales"])
    db.session.commit()
    login_as("admin")
    people = client.get("/admin/audit/people", query_string={"actor": "李"}, headers=HTMX)
    body = people.get_data(as_text=True)
    assert people.status_code == 200 and "<html" not in body
    assert '<option value="李明 (liming)">' in body and '<option value="李老师 (li_teacher)">' in body
    assert '<option value="系统 / 未登录">' in client.get("/admin/audit/people?actor=系统").get_data(as_text=True)
    records = client.get("/admin/audit/records", query_string={"entity": "leads", "record": "小"}, headers=HTMX)
    assert '<option value="王小明">' in records.get_data(as_text=True)
    assert "<option" not in client.get("/admin/audit/records?entity=payments&record=1").get_data(as_text=True)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert 'list="audit-people"' in page and 'list="audit-records"' in page and 'name="entity_id"' not in page


def test_an_entrys_history_link_keeps_its_record_until_removed(client, login_as, users):
    one, other = entry("leads", 7, actor=users["sales"]), entry("leads", 8, actor=users["sales"])
    login_as("admin")
    page = client.get("/admin/audit", query_string={"entity": "leads", "entity_id": "7"}).get_data(as_text=True)
    assert 'type="hidden" name="entity_id" value="7"' in page and 'data-testid="audit-one-record"' in page
    assert shown(client, entity="leads", entity_id="7", actor="Sales") == {one.id}
    assert other.id in shown(client, entity="leads")


def test_the_lead_and_student_lookups_read_indexes(client, login_as, campuses, users):
    """On a school's real numbers (2,000 students, analysed as the app analyses them) each lookup is an index range."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is read with SQLite's EXPLAIN QUERY PLAN")
    factories.make_lead(campuses[0], name="王小明", owner=users["sales"])
    factories.make_student(campuses[0], name="王小红", owner=users["sales"])
    db.session.execute(insert(Student), [
        {"name": f"学员{n}", "name_pinyin": f"xueyuan{n:04d}", "name_initials": f"xy{n:04d}",
         "campus_id": campuses[n % 2].id} for n in range(2000)])
    db.session.commit()
    with db.engine.begin() as conn:
        analyze(conn)
    db.engine.dispose()  # connections read the new statistics
    sent = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        records_named("leads", "小明")
        records_named("students", "王小")
        records_named("students", "wxh")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        plans = []
        for statement, parameters in sent:
            if "lead_name_keys" in statement or "FROM students" in statement:
                cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                plans.append("\n".join(str(row[-1]) for row in cursor.fetchall()))
        connection.execute("DROP TABLE IF EXISTS sqlite_stat1")  # the suite's other plan tests read none
        connection.commit()
    finally:
        connection.close()
    db.engine.dispose()
    assert len(plans) == 3
    for plan in plans:
        assert not re.search(r"SCAN (lead_name_keys|students)\b(?! USING)", plan), plan


def test_every_action_the_code_records_has_a_label_on_the_audit_page():
    """An explicit audit.record("…") or audited.event("…") action without a label would show its raw name."""
    import re
    from pathlib import Path

    from eduflow.admin.forms_audit import ACTION_LABELS

    source = "\n".join(path.read_text(encoding="utf-8")
                       for path in (Path(__file__).resolve().parents[2] / "eduflow").rglob("*.py"))
    recorded = set(re.findall(r'(?:audit\.record|audited\.event)\(\s*"([a-z_]+)"', source))
    recorded |= {"login_failed", "parent_login_failed"}  # written through a conditional expression
    assert recorded and recorded - set(ACTION_LABELS) == set()
