"""In English no page shows Chinese the system wrote: every page each role can reach, crawled in English.

The school is built with Latin names only (campuses, courses, classes, people, channels, tags, notes), so any CJK
character on a page is the system's own: a template literal, a label without an English entry, or a value the
system stored as Chinese text. The crawl starts from the dashboard and follows every link and htmx GET it finds
(tabs and fragments too), plus the detail pages of a lead, a student, an enrolment, a class and a lesson sheet.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import deque
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.reference import ensure_reference_data
from eduflow.models import (
    AttendanceStatus, Campus, FollowUpMethod, LeadStage, ReminderKind, RenewalReminder, Role, SourceChannel, Tag,
    TagCategory, TagKind, TrialLesson,
)
from tests import factories
from tests.factories import PASSWORD

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
PHRASE = re.compile(CJK.pattern + r"(?:[^<>\"]*" + CJK.pattern + ")?")
LINK = re.compile(r'(href|hx-get|data-url|action)="(/[^"#]*)"')
OWN_NAME = re.compile(r'<option value="zh_CN"[^>]*>\s*简体中文\s*</option>')  # the language menu names Chinese in Chinese
COMMENT = re.compile(r"<!--.*?-->", re.S)
# A system tag's name is shown in the reader's language, but its edit form holds the stored name: that is the value
# an admin renames (reference.tag_label).
SYSTEM_TAG_NAME_INPUT = re.compile(r'value="(休眠|高价值)"')
# Chinese marked lang="zh-CN" is Chinese on purpose, whatever it holds: a receipt's amount in Chinese capitals (大写,
# its legal form in every language), a Chinese notification text an admin edits or previews (通知模板).
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
# An SMS's sign 【…】 is written in these brackets in every language (the providers add it so).
SMS_SIGN = re.compile(r"【[^】<>]*】")
SKIP = ("/static/", "/logout", "/language", "/healthz")
FILES = (".xlsx", ".csv", ".ics")  # downloads, not pages
ROLES = ("admin", "manager", "sales", "academic", "teacher")
MAX_PAGES = 400


@pytest.fixture
def school():
    """A campus with one of everything, named in Latin letters."""
    db.session.add_all([SourceChannel(name="Website", sort_order=0),
                        SourceChannel(name="Referral", is_referral=True, sort_order=1)])
    ensure_reference_data()  # the channels above stand in for the Chinese defaults; the system tags are seeded
    north, south = Campus(name="North Campus", address="1 High Street"), Campus(name="South Campus", address="2 Low St")
    db.session.add_all([north, south])
    db.session.flush()
    staff = {role: factories.make_user(role, Role[role.upper()], None if role == "admin" else north,
                                       display_name=f"{role.title()} Person") for role in ROLES}
    staff["sales_b"] = factories.make_user("sales_b", Role.SALES, south, display_name="Other Seller")
    db.session.add(Tag(name="Piano", category=TagCategory.NEED, kind=TagKind.MANUAL))
    course = factories.make_course("Junior English")
    room = factories.make_room(north, "Room One")
    group = factories.make_class(course, north, name="English A", head=staff["teacher"], room=room)
    today = school_today()
    lesson = factories.make_lesson(group, today, teacher=staff["teacher"], room=room)
    factories.make_lesson(group, today - dt.timedelta(days=7), teacher=staff["teacher"], room=room)
    lead, pool_lead = _leads(north, staff, lesson)
    student = _student(north, staff, course, group, lesson)
    _imports(north, staff["manager"])
    db.session.commit()
    return {"lead": lead.id, "pool_lead": pool_lead.id, "student": student["id"],
            "enrollment": student["enrollment"], "class": group.id, "lesson": lesson.id}


def _leads(campus, staff, lesson):
    from eduflow.followups import record_follow_up
    from eduflow.leads.pool import release
    from eduflow.leads.sixspeed import update_six_speed
    from eduflow.leads.stages import change_stage

    sales = staff["sales"]
    lead = factories.make_lead(campus, name="Alice Smith", owner=sales, phone="13800001111", contact_name="Mary Smith",
                               notes="Wants weekend classes")
    record_follow_up(lead, by=sales, method=FollowUpMethod.PHONE, content="Called the mother",
                     feedback="Interested", next_plan="Invite to a trial")
    change_stage(lead, LeadStage.CONTACTED, by=sales)
    update_six_speed(lead, {"purchase_power": "High", "wechat_added": True, "stickiness": "1"}, by=sales)
    db.session.add(TrialLesson(lead_id=lead.id, lesson_id=lesson.id))
    lost = factories.make_lead(campus, name="Carol Lost", owner=sales, phone="13800002222")
    change_stage(lost, LeadStage.LOST, by=sales, reason="Moved away")
    pool_lead = factories.make_lead(campus, name="Dan Pool", owner=sales, phone="13800003333")
    release(pool_lead, by=sales, reason="No answer")
    return lead, pool_lead


def _student(campus, staff, course, group, lesson):
    from eduflow.attendance.services import mark_attendance
    from eduflow.models import StudentStatus
    from eduflow.students.services import create_student
    from eduflow.students.status_changes import StatusChangeKind, StatusRequest, request_change

    student = create_student(by=staff["manager"], campus_id=campus.id, status=StudentStatus.ACTIVE,
                             owner_id=staff["sales"].id, name="Bob Jones", phone="13900001111",
                             parent={"name": "Jane Jones", "relationship": "Mother", "phone": "13900002222"})
    enrollment = factories.enroll(student, course, by=staff["manager"], group=group, lessons=10, gift=2, paid="1000",
                                  contract_no="EN-0001")
    db.session.flush()
    mark_attendance(lesson, student.id, AttendanceStatus.PRESENT, by=staff["teacher"])
    request_change(student, StatusRequest(kind=StatusChangeKind.SUSPEND, reason="Family trip",
                                          enrollment_id=enrollment.id), by=staff["academic"])
    db.session.add(RenewalReminder(student_id=student.id, enrollment_id=enrollment.id, kind=ReminderKind.LOW_HOURS,
                                   trigger_value="3", assigned_to_id=staff["sales"].id))
    return {"id": student.id, "enrollment": enrollment.id}


def _imports(campus, manager):
    """A previewed import with a rejected row and a failed one, their messages written by a Chinese session."""
    from eduflow.models import ImportAction, ImportBatch, ImportKind, ImportRow, ImportStatus

    previewed = ImportBatch(kind=ImportKind.LEADS, campus_id=campus.id, created_by_id=manager.id, filename="leads.csv",
                            status=ImportStatus.PREVIEWED, headers=["Name", "Phone"], mapping={"name": 0, "phone": 1},
                            total_rows=1, counts={"reject": 1})
    failed = ImportBatch(kind=ImportKind.STUDENTS, campus_id=campus.id, created_by_id=manager.id,
                         filename="students.csv", status=ImportStatus.FAILED, headers=["Name"], mapping={"name": 0},
                         error="导入失败，已撤销已导入的行。原因：第 2 行：缺少姓名")
    db.session.add_all([previewed, failed])
    db.session.flush()
    db.session.add(ImportRow(batch_id=previewed.id, row_number=2, cells='["", "123"]', action=ImportAction.REJECT,
                             message="缺少姓名；电话号码无效：123"))


def _signed_in_in_english(app, username):
    client = app.test_client()
    client.post("/language", data={"locale": "en"})
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, username
    return client


def _key(url: str) -> str:
    """Pages differing only in query values (filters, page numbers) are crawled once."""
    parts = urlsplit(url)
    names = sorted(pair.split("=")[0] for pair in parts.query.split("&") if pair)
    return f"{parts.path}?{'&'.join(names)}"


class _MarkedChinese(HTMLParser):
    """The page without the elements marked lang="zh-CN" and all they hold (their tags, attributes and text)."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.kept, self.depth = [], 0

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag not in VOID
        elif dict(attrs).get("lang") == "zh-CN":
            self.depth = int(tag not in VOID)
        else:
            self.kept.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        if not self.depth and dict(attrs).get("lang") != "zh-CN":
            self.kept.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= tag not in VOID
        else:
            self.kept.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.depth:
            self.kept.append(data)

    handle_entityref = lambda self, name: self.handle_data(f"&{name};")  # noqa: E731
    handle_charref = lambda self, name: self.handle_data(f"&#{name};")  # noqa: E731


def _without_marked_chinese(html: str) -> str:
    parser = _MarkedChinese()
    parser.feed(html)
    parser.close()
    return "".join(parser.kept)


def _chinese(html: str) -> list[str]:
    text = SMS_SIGN.sub("", _without_marked_chinese(
        SYSTEM_TAG_NAME_INPUT.sub("", OWN_NAME.sub("", COMMENT.sub("", html)))))
    runs = {}
    for match in PHRASE.finditer(text):  # one report per phrase, with a little of its surroundings
        runs.setdefault(match.group(), unescape(text[max(0, match.start() - 30):match.end() + 10]).replace("\n", " "))
    return sorted(runs.values())


def _crawl(client, starts: list[str]) -> tuple[dict, set[str]]:
    """Visit every reachable GET page and fragment (hx-get ones as htmx asks for them); the Chinese found on each,
    and the paths that answered 200."""
    queue, seen, found, answered = deque((url, False) for url in starts), set(), {}, set()
    while queue and len(seen) < MAX_PAGES:
        url, fragment = queue.popleft()
        url = unescape(url)
        if (_key(url), fragment) in seen or url.startswith(SKIP) or urlsplit(url).path.endswith(FILES):
            continue
        seen.add((_key(url), fragment))
        response = client.get(url, headers={"HX-Request": "true"} if fragment else {})
        if response.status_code == 200:
            answered.add(urlsplit(url).path)
        if not response.content_type.startswith("text/html"):
            continue
        html = response.get_data(as_text=True)
        if snippets := _chinese(html):
            found[url] = snippets
        queue.extend((link, attribute == "hx-get") for attribute, link in LINK.findall(html))
    return found, answered



@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_chinese_text_in_english(app, school, role):
    client = _signed_in_in_english(app, role)
    details = [f"/leads/{school['lead']}", f"/leads/{school['pool_lead']}", f"/students/{school['student']}",
               f"/enrollments/{school['enrollment']}", f"/classes/{school['class']}",
               f"/lessons/{school['lesson']}/attendance"]
    found, answered = _crawl(client, ["/", *details])
    assert len(answered) > 5
    report = "\n".join(f"{url}\n    " + "\n    ".join(snippets) for url, snippets in sorted(found.items()))
    assert not found, f"Chinese on {len(found)} English pages as {role}:\n{report}"


def test_the_crawl_reaches_the_detail_pages(app, school):
    client = _signed_in_in_english(app, "manager")
    _found, answered = _crawl(client, ["/"])
    for path in (f"/leads/{school['lead']}", f"/students/{school['student']}", f"/enrollments/{school['enrollment']}",
                 f"/classes/{school['class']}", f"/lessons/{school['lesson']}/attendance"):
        assert path in answered, path


def test_the_crawl_would_see_a_chinese_label():
    assert _chinese('<td>Bob</td><td>出勤</td>') and _chinese('<label>状态：</label>')
    assert not _chinese('<option value="zh_CN">简体中文</option><!-- 注释 -->')
    assert not _chinese('<dd lang="zh-CN" class="x">壹仟元整</dd>')
    assert not _chinese('<div lang="zh-CN">壹<br><b>仟</b></div><input lang="zh-CN" value="待审批"><p>【SMS sign】</p>')
    assert _chinese('<div lang="zh-CN">壹<br></div>仟') and _chinese('<div lang="en"><b>出勤</b></div>')


def test_the_login_page_and_a_refused_sign_in_speak_english(client):
    client.post("/language", data={"locale": "en"})
    assert not _chinese(client.get("/login").get_data(as_text=True))
    refused = client.post("/login", data={"username": "nobody", "password": "wrong-password"})
    page = refused.get_data(as_text=True)
    assert "Incorrect username or password." in page and not _chinese(page)


@pytest.mark.parametrize("path", ["/leads/new", "/students/new", "/classes/new", "/admin/users/new", "/admin/campuses/new",
                                  "/admin/courses/new", "/account/password"])
def test_a_refused_form_explains_itself_in_english(app, school, path):
    client = _signed_in_in_english(app, "admin")
    refused = client.post(path, data={})
    assert refused.status_code == 422, path
    assert not _chinese(refused.get_data(as_text=True))


def test_no_parent_page_shows_chinese_text_in_english(app, school):
    """The parent side (家长端) in English: Bob's mother signs in and every page she reaches speaks English."""
    from eduflow.models import ClassGroup, Lesson, NotificationKind, Student
    from eduflow.notifications.outbox import notify_family

    account = factories.make_parent_account("13900002222", locale="en")
    lesson = db.session.get(Lesson, school["lesson"])
    factories.make_lesson(db.session.get(ClassGroup, school["class"]), school_today() + dt.timedelta(days=2),
                          teacher=lesson.teacher)
    notify_family(NotificationKind.LESSON_DEDUCTED, db.session.get(Student, school["student"]), "attendance:x:v1",
                  {"student": "Bob Jones", "lesson": "Monday 9:00", "status": AttendanceStatus.PRESENT, "units": 1,
                   "course": "Junior English", "balance": 11})
    db.session.commit()
    client = app.test_client()
    client.post("/language", data={"locale": "en"})
    assert client.post("/p/login", data={"phone": "13900002222", "password": PASSWORD}).status_code == 302
    assert account.id
    found, answered = _crawl(client, ["/p/", "/p/timetable", "/p/hours", "/p/payments", "/p/inbox", "/p/reviews",
                                      "/p/calendar", "/p/inbox/settings"])
    assert {"/p/", "/p/timetable", "/p/hours", f"/p/hours/{school['enrollment']}", "/p/inbox"} <= answered
    assert any(path.endswith("/receipt") for path in answered) and any(path.endswith("/leave") for path in answered)
    report = "\n".join(f"{url}\n    " + "\n    ".join(snippets) for url, snippets in sorted(found.items()))
    assert not found, f"Chinese on {len(found)} English parent pages:\n{report}"
