"""One attribution rule for every report: a salesperson's own report and the row her manager, or an admin, sees
for her hold the same figures, even after her leads and students changed hands (DOMAIN "Report attribution").

The story is written through the services, as the pages would, so each act records its actor as in production:
Sales works four leads this month; one is reassigned to Sales2, who converts it; then everything Sales owned is
inherited by Sales2. Sales's report still shows what Sales did; it is Sales2's only where Sales2 did it.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from eduflow.admin.services import inherit_records
from eduflow.enrollments.services import Renewal, RenewalMode, renew_enrollment
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.leads.conversion import FirstEnrollment, convert_lead
from eduflow.leads.followups import add_lead_follow_up
from eduflow.leads.pool import assign, claim
from eduflow.leads.records import create_lead
from eduflow.leads.sixspeed import update_six_speed
from eduflow.leads.stages import change_stage
from eduflow.models import (
    Enrollment, FollowUpMethod, Lead, LeadStage, ReminderKind, RenewalReminder, Role, SourceChannel,
    TrialLesson, TrialStatus, utcnow,
)
from eduflow.reports.catalogue import REPORTS
from eduflow.reports.scope import ReportScope
from eduflow.followups import record_follow_up
from tests import factories

PHONE = FollowUpMethod.PHONE


def _lead(name: str, phone: str, by, **values) -> Lead:
    official = db.session.scalar(select(SourceChannel).where(SourceChannel.name == "官网"))
    lead = create_lead({"name": name, "phone": phone, "source_id": official.id, "consult_date": school_today(),
                        **values}, by=by)
    db.session.flush()
    return lead


@pytest.fixture
def story(users, campuses):
    sales, sales2, manager = users["sales"], users["sales2"], users["manager"]
    course = factories.make_course(total_lessons=20, price="3000")
    lesson = factories.make_lesson(factories.make_class(course, campuses[0]), school_today())
    referrer = factories.make_student(campuses[0], name="老学员", owner=sales)

    # A: Sales follows up (→ 首次沟通), moves it to 意向, books a trial and fills the six-speed sheet; the manager
    # hands it to Sales2, who follows up, closes the sheet and converts it.
    a = _lead("甲", "13900000001", sales)
    add_lead_follow_up(a, by=sales, method=PHONE, content="第一次电话")
    add_lead_follow_up(a, by=sales, method=FollowUpMethod.WECHAT, content="加了微信")
    change_stage(a, LeadStage.INTENT, by=sales)
    db.session.add(TrialLesson(lead_id=a.id, lesson_id=lesson.id, status=TrialStatus.ATTENDED, booked_by_id=sales.id))
    update_six_speed(a, {"wechat_added": True, "promised_visit_at": utcnow() - dt.timedelta(hours=2)}, by=sales)
    db.session.flush()
    assign([a], to_user=sales2, by=manager)
    add_lead_follow_up(a, by=sales2, method=PHONE, content="接手后回访")
    update_six_speed(a, {"is_closed": True}, by=sales2)
    convert_lead(a, by=sales2)

    # B: Sales takes it to 待报名, records a visit, converts it with a first enrolment and follows up the student;
    # the contract comes due and Sales renews it.
    b = _lead("乙", "13900000002", sales)
    change_stage(b, LeadStage.PENDING, by=sales)
    update_six_speed(b, {"first_visit_at": utcnow() - dt.timedelta(hours=3)}, by=sales)
    student = convert_lead(b, by=sales, enrollment=FirstEnrollment(
        course=course, contract_no="HT-B", total_fee=Decimal("3000"), lessons_purchased=20)).student
    db.session.flush()
    record_follow_up(student, by=sales, method=PHONE, content="开课提醒")
    db.session.add(RenewalReminder(student_id=student.id, enrollment_id=_enrollment_of(student).id,
                                   kind=ReminderKind.LOW_HOURS, assigned_to_id=sales.id,
                                   reminded_at=utcnow() - dt.timedelta(hours=1)))
    db.session.flush()
    renew_enrollment(_enrollment_of(student), Renewal(mode=RenewalMode.SAME, lessons=10, fee=Decimal("1500")),
                     by=sales)

    # C: the manager enters it into the pool; Sales claims it and follows it up.
    c = _lead("丙", "13900000003", manager)
    db.session.flush()
    claim(c.id, by=sales)
    add_lead_follow_up(db.session.get(Lead, c.id), by=sales, method=PHONE, content="公海领取后联系")

    # D: a referral Sales enters and converts.
    referral = db.session.scalar(select(SourceChannel).where(SourceChannel.is_referral.is_(True)))
    d = _lead("丁", "13900000004", sales, source_id=referral.id, referrer_student_id=referrer.id)
    convert_lead(d, by=sales)
    db.session.commit()

    # Sales hands everything over; afterwards she owns one new student, low on lessons.
    inherit_records(sales, sales2, operator=manager)
    kept = factories.make_student(campuses[0], name="新学员", owner=sales)
    factories.enroll(kept, course, by=sales, lessons=3, fee="600")
    db.session.commit()
    return {"leads": (a, b, c, d)}


def _enrollment_of(student):
    return db.session.scalar(select(Enrollment).where(Enrollment.student_id == student.id).order_by(Enrollment.id))


def _scope(user, campus=None) -> ReportScope:
    today = school_today()
    return ReportScope(user=user, start=today - dt.timedelta(days=1), end=today + dt.timedelta(days=1),
                       campus_id=campus)


def _row(rows, label):
    found = [row for row in rows if row.label == label]
    assert len(found) <= 1
    return found[0] if found else None


def _activity(row):
    return None if row is None else (dict(row.by_method), row.leads, row.students)


def _sixspeed(row):
    return None if row is None else (row.sheets, row.wechat, row.promised, row.visited, row.second_visits,
                                     row.closed, row.enrolled)


def _referred(row):
    return None if row is None else (row.label, row.referred, row.converted)


def _renewed(row):
    return None if row is None else (row.label, row.due, row.renewed)


# For each report a salesperson may open: (her figures in her own report, her row in someone else's).
HER = {
    "funnel": (lambda r, me: (r.overall.counts, [row.counts for row in r.by_person]),
               lambda r, me: (row.counts, [row.counts]) if (row := _row(r.by_person, me)) else ([0] * 5, [])),
    "sixspeed": (lambda r, me: (_sixspeed(r.total), [_sixspeed(row) for row in r.rows]),
                 lambda r, me: (_sixspeed(row), [_sixspeed(row)]) if (row := _row(r.rows, me))
                 else ((0,) * 7, [])),
    "activity": (lambda r, me: [_activity(row) for row in r.rows],
                 lambda r, me: [_activity(row)] if (row := _row(r.rows, me)) else []),
    "referrals": (lambda r, me: [_referred(row) for row in r.people],
                  lambda r, me: [row] if (row := _referred(_row(r.people, me))) else []),
    "renewals": (lambda r, me: ((r.overall.due, r.overall.renewed), [_renewed(row) for row in r.by_person]),
                 lambda r, me: ((row.due, row.renewed), [_renewed(row)]) if (row := _row(r.by_person, me))
                 else ((0, 0), [])),
    "balances": (lambda r, me: [(row.student, row.remaining) for row in r],
                 lambda r, me: [(row.student, row.remaining) for row in r if row.owner == me]),
}


@pytest.mark.parametrize("name", list(REPORTS))
@pytest.mark.parametrize("viewer", ["manager", "admin"])
def test_a_salespersons_own_report_and_her_row_in_the_managers_and_admins_agree(story, users, campuses, name,
                                                                               viewer):
    report = REPORTS[name]
    if Role.SALES not in report.roles:
        assert name in ("money", "attendance")  # school-wide money and attendance: no salesperson's view of it
        return
    own, row_of = HER[name]
    for who in ("sales", "sales2"):
        me = users[who].display_name
        theirs = row_of(report.build(_scope(users[viewer])), me)
        chosen_campus = row_of(report.build(_scope(users[viewer], campuses[0].id)), me) if viewer == "admin" else theirs
        assert own(report.build(_scope(users[who])), me) == theirs == chosen_campus, (name, who)


def test_each_act_counts_for_whoever_did_it_whoever_owns_the_lead_now(story, users):
    manager = _scope(users["manager"])
    funnel = REPORTS["funnel"].build(manager)
    # Sales worked 甲 乙 丙 丁, moved 乙 and 丁 to 已转化 and 甲 to 意向, booked 甲's trial; Sales2 converted 甲.
    assert _row(funnel.by_person, "Sales").counts == [4, 4, 3, 1, 2]
    assert _row(funnel.by_person, "Sales2").counts == [1, 1, 1, 0, 1]
    assert _row(funnel.by_person, "Manager").counts == [1, 0, 0, 0, 0]  # entered 丙 into the pool
    assert funnel.overall.counts == [4, 4, 3, 1, 3]
    sheets = REPORTS["sixspeed"].build(manager)
    assert _sixspeed(_row(sheets.rows, "Sales")) == (2, 1, 1, 1, 0, 0, 1)  # 甲 opened, 乙 visited and enrolled
    assert _sixspeed(_row(sheets.rows, "Sales2")) == (1, 0, 0, 0, 0, 1, 0)  # closed 甲 (converted, not enrolled)
    activity = REPORTS["activity"].build(manager)
    assert _activity(_row(activity.rows, "Sales"))[1:] == (2, 1)  # 甲 and 丙; the student from 乙
    assert sum(_activity(_row(activity.rows, "Sales"))[0].values()) == 4
    referrals = REPORTS["referrals"].build(manager)
    assert [_referred(row) for row in referrals.people] == [("Sales", 1, 1)]
    renewals = REPORTS["renewals"].build(manager)
    assert [_renewed(row) for row in renewals.by_person] == [("Sales", 1, 1)]
    assert [row.owner for row in REPORTS["balances"].build(manager)] == ["Sales"]  # balances are today's owners'


def _person_row(client, query, label: str) -> str:
    body = client.get("/reports/funnel", query_string=query).get_data(as_text=True)
    table = body.split('data-testid="funnel-by-person"', 1)[1].split("</table>", 1)[0]
    return next(row for row in table.split('data-testid="funnel-row"')[1:] if f"<td>{label}</td>" in row)


def test_the_pages_show_her_the_row_her_manager_sees(story, client, login_as):
    today = school_today()
    query = {"start": (today - dt.timedelta(days=1)).isoformat(), "end": (today + dt.timedelta(days=1)).isoformat()}
    login_as("sales")
    own = _person_row(client, query, "Sales")
    login_as("manager")
    assert _person_row(client, query, "Sales") == own
    assert '<td class="ef-num">4</td>' in own
