"""Campuses and their classrooms, courses, tags and source channels, created and edited over HTTP."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import Campus, Classroom, Course, SourceChannel, Tag, TagCategory, TagKind
from tests import factories


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def named(model, name):
    return db.session.scalar(select(model).where(model.name == name))


@pytest.mark.parametrize("path", ["/admin/campuses", "/admin/campuses/new", "/admin/courses", "/admin/courses/new",
                                  "/admin/tags", "/admin/tags/new", "/admin/sources", "/admin/sources/new"])
def test_every_reference_page_opens(client, as_admin, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/admin/campuses/999/edit", "/admin/courses/999/edit", "/admin/tags/999/edit",
                                  "/admin/sources/999/edit", "/admin/campuses/999/classrooms"])
def test_unknown_ids_are_404(client, as_admin, path):
    assert client.get(path).status_code == 404


# ---------- campuses ----------

def test_admin_opens_and_edits_a_campus(client, as_admin, campuses):
    response = client.post("/admin/campuses/new", data={"name": " 三校区 ", "address": "中山路 3 号",
                                                        "phone": "010-62345678", "is_active": "y"})
    assert response.status_code == 302
    campus = named(Campus, "三校区")
    assert (campus.address, campus.is_active) == ("中山路 3 号", True)
    response = client.post(f"/admin/campuses/{campus.id}/edit", data={"name": "三校区（新）", "address": "",
                                                                      "phone": ""})
    assert response.status_code == 302
    db.session.refresh(campus)
    assert (campus.name, campus.is_active) == ("三校区（新）", False)


def test_a_duplicate_campus_name_is_refused(client, as_admin, campuses):
    response = client.post("/admin/campuses/new", data={"name": "一校区", "is_active": "y"})
    assert response.status_code == 422
    assert "已存在" in response.get_data(as_text=True)
    assert count(Campus) == 2
    response = client.post(f"/admin/campuses/{campuses[1].id}/edit", data={"name": "一校区"})
    assert response.status_code == 422
    db.session.refresh(campuses[1])
    assert campuses[1].name == "二校区"


def test_a_campus_keeps_its_own_name_when_edited(client, as_admin, campuses):
    response = client.post(f"/admin/campuses/{campuses[0].id}/edit", data={"name": "一校区", "address": "新地址",
                                                                           "is_active": "y"})
    assert response.status_code == 302


# ---------- classrooms ----------

def test_classrooms_are_added_and_edited_on_the_campus_page(client, as_admin, campuses):
    first = campuses[0]
    response = client.post(f"/admin/campuses/{first.id}/classrooms/new",
                           data={"new-name": "101", "new-seats": "20", "new-is_active": "y"})
    assert response.status_code == 302
    room = named(Classroom, "101")
    assert (room.campus_id, room.seats, room.is_active) == (first.id, 20, True)
    page = client.get(f"/admin/campuses/{first.id}/edit").get_data(as_text=True)
    assert f'classroom-row-{room.id}"' in page
    response = client.post(f"/admin/campuses/{first.id}/classrooms/{room.id}/edit",
                           data={f"room{room.id}-name": "102", f"room{room.id}-seats": "12"})
    assert response.status_code == 302
    db.session.refresh(room)
    assert (room.name, room.seats, room.is_active) == ("102", 12, False)


def test_htmx_gets_only_the_classrooms_section(client, as_admin, campuses):
    first = campuses[0]
    htmx = {"HX-Request": "true"}
    response = client.post(f"/admin/campuses/{first.id}/classrooms/new", headers=htmx,
                           data={"new-name": "琴房", "new-seats": "2", "new-is_active": "y"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="classrooms"' in body and "琴房" in body
    room = named(Classroom, "琴房")
    editing = client.get(f"/admin/campuses/{first.id}/classrooms/{room.id}/edit", headers=htmx)
    assert "<html" not in editing.get_data(as_text=True)
    assert f'id="classroom-{room.id}"' in editing.get_data(as_text=True)


def test_classroom_names_are_unique_per_campus_only(client, as_admin, campuses):
    first, second = campuses
    db.session.add(Classroom(campus_id=first.id, name="101"))
    db.session.commit()
    response = client.post(f"/admin/campuses/{first.id}/classrooms/new", data={"new-name": "101", "new-seats": "5"})
    assert response.status_code == 422
    assert "已存在" in response.get_data(as_text=True)
    assert count(Classroom) == 1
    response = client.post(f"/admin/campuses/{second.id}/classrooms/new", data={"new-name": "101", "new-seats": "5"})
    assert response.status_code == 302
    assert count(Classroom) == 2


def test_a_classroom_of_another_campus_is_404(client, as_admin, campuses):
    room = Classroom(campus_id=campuses[1].id, name="201")
    db.session.add(room)
    db.session.commit()
    assert client.get(f"/admin/campuses/{campuses[0].id}/classrooms/{room.id}/edit").status_code == 404


# ---------- courses ----------

def course_form(**overrides) -> dict:
    data = {"name": "少儿钢琴", "description": "一对一", "total_lessons": "48", "price": "4800.50", "is_active": "y"}
    data.update(overrides)
    return data


def test_admin_creates_and_edits_a_course(client, as_admin):
    assert client.post("/admin/courses/new", data=course_form()).status_code == 302
    course = named(Course, "少儿钢琴")
    assert (course.total_lessons, course.price, course.is_active) == (48, Decimal("4800.50"), True)
    assert "4,800.50" in client.get("/admin/courses").get_data(as_text=True)
    response = client.post(f"/admin/courses/{course.id}/edit", data=course_form(price="0", total_lessons="0"))
    assert response.status_code == 302
    db.session.refresh(course)
    assert (course.price, course.total_lessons) == (Decimal("0.00"), 0)


def test_a_duplicate_course_name_is_refused(client, as_admin):
    factories.make_course("少儿钢琴")
    db.session.commit()
    response = client.post("/admin/courses/new", data=course_form())
    assert response.status_code == 422
    assert "已存在" in response.get_data(as_text=True)
    assert count(Course) == 1


@pytest.mark.parametrize("field, value", [("price", "-1"), ("price", "12.345"), ("price", "abc"), ("price", "NaN"),
                                          ("price", "1e30"), ("price", ""), ("total_lessons", "-3"),
                                          ("total_lessons", "1.5"), ("total_lessons", "99999999999999999999")])
def test_bad_course_numbers_are_refused(client, as_admin, field, value):
    response = client.post("/admin/courses/new", data=course_form(**{field: value}))
    assert response.status_code == 422
    assert count(Course) == 0


# ---------- tags ----------

def test_admin_creates_a_manual_tag(client, as_admin):
    assert client.post("/admin/tags/new", data={"name": "钢琴", "category": "need"}).status_code == 302
    tag = named(Tag, "钢琴")
    assert (tag.category, tag.kind, tag.system_code) == (TagCategory.NEED, TagKind.MANUAL, None)


def test_a_system_tag_can_be_renamed_but_keeps_its_kind_and_code(client, as_admin, campuses):
    dormant = db.session.scalar(select(Tag).where(Tag.system_code == "dormant"))
    page = client.get(f"/admin/tags/{dormant.id}/edit").get_data(as_text=True)
    assert 'data-testid="system-tag-notice"' in page
    response = client.post(f"/admin/tags/{dormant.id}/edit",
                           data={"name": "沉睡客户", "category": "value", "kind": "manual", "system_code": "x"})
    assert response.status_code == 302
    db.session.refresh(dormant)
    assert (dormant.name, dormant.kind, dormant.system_code) == ("沉睡客户", TagKind.SYSTEM, "dormant")


def test_a_duplicate_tag_name_or_unknown_category_is_refused(client, as_admin, campuses):
    before = count(Tag)
    assert client.post("/admin/tags/new", data={"name": "高价值", "category": "custom"}).status_code == 422
    assert client.post("/admin/tags/new", data={"name": "新标签", "category": "nonsense"}).status_code == 422
    assert count(Tag) == before


# ---------- source channels ----------

def test_admin_creates_and_edits_a_source_channel(client, as_admin):
    response = client.post("/admin/sources/new", data={"name": "小红书", "sort_order": "7", "is_active": "y"})
    assert response.status_code == 302
    source = named(SourceChannel, "小红书")
    assert (source.sort_order, source.is_referral, source.is_active) == (7, False, True)
    response = client.post(f"/admin/sources/{source.id}/edit",
                           data={"name": "小红书", "sort_order": "1", "is_referral": "y"})
    assert response.status_code == 302
    db.session.refresh(source)
    assert (source.sort_order, source.is_referral, source.is_active) == (1, True, False)


def test_a_duplicate_source_name_is_refused(client, as_admin, campuses):
    before = count(SourceChannel)
    response = client.post("/admin/sources/new", data={"name": "转介绍", "sort_order": "0"})
    assert response.status_code == 422
    assert "已存在" in response.get_data(as_text=True)
    assert count(SourceChannel) == before
