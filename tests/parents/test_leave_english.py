"""请假 and 评价 in English: every page and fragment of the area carries no Chinese but the records' own names."""
from __future__ import annotations

import datetime as dt
import re

from eduflow.attendance.services import mark_attendance
from eduflow.extensions import db
from eduflow.i18n import from_utc, school_today
from eduflow.models import AttendanceStatus, utcnow
from tests.parents.leave_support import lessons  # noqa: F401 - fixture

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
DATA = {"王小明", "王小红", "王妈妈", "母亲", "英语一班", "英语二班", "少儿英语", "一校区", "二校区", "看牙医", "简体中文",
        "李小华"}
HX = {"HX-Request": "true"}


def _chinese(body: str) -> set[str]:
    body = re.sub(r'<option value="zh_CN"[^>]*>\s*简体中文\s*</option>', "", body)
    return {found for found in CJK.findall(body) if found not in DATA}


def _english(client):
    assert client.post("/language", data={"locale": "en"}).status_code == 302


def test_the_parent_pages_of_leave_and_reviews_are_english(client, family, lessons, parent_login, users, make_lesson):
    held = make_lesson(lessons.group, school_today() - dt.timedelta(days=1))
    mark_attendance(held, family.first.id, AttendanceStatus.PRESENT, by=users["teacher"])
    start = from_utc(utcnow()) + dt.timedelta(hours=1)  # inside the cutoff: the timetable says why
    make_lesson(lessons.group, start.date(), start=start.time().replace(second=0, microsecond=0), minutes=5)
    db.session.commit()
    parent_login()
    _english(client)
    url = f"/p/lessons/{lessons.tomorrow.id}/leave?student={family.first.id}"
    pages = {"timetable": client.get("/p/timetable"), "form": client.get(url), "fragment": client.get(url, headers=HX),
             "refused": client.post(url, data={"reason": ""}), "asked": client.post(url, data={"reason": "看牙医"},
                                                                                 headers=HX),
             "reviews": client.get("/p/reviews"),
             "review form": client.get(f"/p/lessons/{held.id}/review?student={family.first.id}")}
    found = {name: _chinese(page.get_data(as_text=True)) for name, page in pages.items()}
    assert all(not words for words in found.values()), found


def test_the_staff_side_of_leave_is_english(client, family, lessons, parent_login, login_as):
    parent_login()
    client.post(f"/p/lessons/{lessons.tomorrow.id}/leave?student={family.first.id}", data={"reason": "看牙医"})
    client.post("/p/logout")
    login_as("teacher")
    _english(client)
    pages = {"sheet": client.get(f"/lessons/{lessons.tomorrow.id}/attendance"), "dashboard": client.get("/")}
    found = {name: _chinese(page.get_data(as_text=True)) for name, page in pages.items()}
    assert all(not words for words in found.values()), found
