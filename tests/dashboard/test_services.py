"""The dashboard's worklists, with a fixed `now`: what each role sees, scope, caps, and no N+1 queries."""
import datetime as dt

import pytest
import pytz
from sqlalchemy import event

from eduflow.dashboard.services import (
    dashboard_summary, leads_per_stage, overdue_followups, school_day, todays_followups, todays_trials, todays_visits,
)
from eduflow.extensions import db
from eduflow.models import Lead, LeadStage, SixSpeed, TrialStatus
from tests import factories

SHANGHAI = pytz.timezone("Asia/Shanghai")
NOW = dt.datetime(2024, 5, 10, 6, 0)  # naive UTC: 14:00 in Shanghai on 2024-05-10
DAY = school_day(NOW, SHANGHAI)


@pytest.fixture
def lead(campuses, users):
    def make(name, owner="sales", campus=0, next_at=None, stage=LeadStage.CONTACTED, **fields):
        made = factories.make_lead(campuses[campus], name=name, owner=users[owner] if owner else None, stage=stage,
                                   next_followup_at=next_at, **fields)
        db.session.commit()
        return made

    return make


def names(worklist):
    return {item.name if isinstance(item, Lead) else item.lead.name for item in worklist.items}


def test_school_day_is_the_local_day_in_utc_bounds():
    early = school_day(dt.datetime(2024, 5, 9, 17, 30), SHANGHAI)  # 01:30 on the 10th in Shanghai
    assert early.date == dt.date(2024, 5, 10)
    assert (early.start, early.end) == (dt.datetime(2024, 5, 9, 16), dt.datetime(2024, 5, 10, 16))
    assert DAY.date == dt.date(2024, 5, 10) and DAY.now == NOW


def test_sales_sees_own_overdue_and_todays_follow_ups_once_each(lead, users):
    lead("逾期", next_at=NOW - dt.timedelta(days=2))
    lead("今早", next_at=NOW - dt.timedelta(hours=1))  # due earlier today: overdue, not listed twice
    lead("今晚", next_at=NOW + dt.timedelta(hours=5))  # 19:00 local
    lead("明天", next_at=DAY.end + dt.timedelta(minutes=1))
    lead("已流失", next_at=NOW - dt.timedelta(days=1), stage=LeadStage.LOST, lost_reason="x")
    lead("已转化", next_at=NOW - dt.timedelta(days=1), stage=LeadStage.CONVERTED)
    lead("别人的", owner="sales2", next_at=NOW - dt.timedelta(days=1))
    lead("删除的", next_at=NOW - dt.timedelta(days=1), deleted_at=NOW)
    sales = users["sales"]
    assert names(overdue_followups(sales, DAY)) == {"逾期", "今早"}
    assert [x.name for x in overdue_followups(sales, DAY).items] == ["逾期", "今早"]  # longest waiting first
    assert names(todays_followups(sales, DAY)) == {"今晚"}


def test_manager_sees_the_whole_campus_including_the_pool_and_admin_every_campus(lead, users):
    lead("我的", next_at=NOW - dt.timedelta(days=1))
    lead("同事的", owner="sales2", next_at=NOW - dt.timedelta(days=1))
    lead("公海的", owner=None, next_at=NOW - dt.timedelta(days=1))
    lead("二校区的", owner="sales_b", campus=1, next_at=NOW - dt.timedelta(days=1))
    assert names(overdue_followups(users["manager"], DAY)) == {"我的", "同事的", "公海的"}
    assert names(overdue_followups(users["manager_b"], DAY)) == {"二校区的"}
    assert names(overdue_followups(users["admin"], DAY)) == {"我的", "同事的", "公海的", "二校区的"}
    assert names(overdue_followups(users["sales2"], DAY)) == {"同事的"}


def test_todays_promised_visits_are_scoped_and_bounded_by_the_school_day(lead, users):
    for name, owner, at in [("今天来", "sales", DAY.start + dt.timedelta(hours=10)),
                            ("昨天来", "sales", DAY.start - dt.timedelta(minutes=1)),
                            ("明天来", "sales", DAY.end),
                            ("同事约", "sales2", DAY.start + dt.timedelta(hours=9))]:
        made = lead(name, owner=owner)
        db.session.add(SixSpeed(lead_id=made.id, owner_id=made.owner_id, promised_visit_at=at))
    db.session.commit()
    assert names(todays_visits(users["sales"], DAY)) == {"今天来"}
    assert [s.lead.name for s in todays_visits(users["manager"], DAY).items] == ["同事约", "今天来"]
    assert todays_visits(users["manager_b"], DAY).total == 0


def test_todays_booked_trials_only(lead, users, campuses):
    group = factories.make_class(factories.make_course("试听课程", total_lessons=10, price="100"), campuses[0],
                                 name="周五班")
    today, tomorrow = (factories.make_lesson(group, d, start=dt.time(18))
                       for d in (DAY.date, DAY.date + dt.timedelta(days=1)))
    db.session.commit()
    for name, owner, lesson, status in [("今天试听", "sales", today, TrialStatus.BOOKED),
                                        ("已到课", "sales", today, TrialStatus.ATTENDED),
                                        ("明天试听", "sales", tomorrow, TrialStatus.BOOKED),
                                        ("同事试听", "sales2", today, TrialStatus.BOOKED)]:
        factories.make_trial(lead(name, owner=owner), lesson, status=status)
    db.session.commit()
    assert names(todays_trials(users["sales"], DAY)) == {"今天试听"}
    assert names(todays_trials(users["manager"], DAY)) == {"今天试听", "同事试听"}
    assert todays_trials(users["teacher"], DAY).total == 0


def test_lists_are_capped_with_the_total_kept(lead, users):
    for i in range(5):
        lead(f"逾期{i}", next_at=NOW - dt.timedelta(hours=i + 1))
    capped = overdue_followups(users["sales"], DAY, limit=3)
    assert (len(capped.items), capped.total, capped.more) == (3, 5, 2)


def test_academic_and_teacher_get_no_lead_worklists(users):
    for role in ("academic", "teacher"):
        summary = dashboard_summary(users[role], DAY)
        assert "worklists" not in summary and "leads_per_stage" not in summary
    assert set(dashboard_summary(users["sales"], DAY)["worklists"]) == {"overdue", "followups", "visits", "trials"}


def _statements(user) -> int:
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        summary = dashboard_summary(user, DAY)
        for worklist in summary["worklists"].values():  # what the template touches on every item
            for item in worklist.items:
                subject = item if isinstance(item, Lead) else item.lead
                _ = subject.owner and subject.owner.display_name
                _ = getattr(item, "lesson", None) and item.lesson.class_group.name
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen)


def test_the_dashboard_runs_the_same_number_of_queries_for_few_or_many_leads(lead, users):
    def add(n, offset):
        for i in range(n):
            owner = "sales" if i % 2 else "sales2"
            made = lead(f"线索{offset + i}", owner=owner, next_at=NOW - dt.timedelta(hours=offset + i + 1))
            db.session.add(SixSpeed(lead_id=made.id, owner_id=made.owner_id,
                                    promised_visit_at=DAY.start + dt.timedelta(hours=1)))
        db.session.commit()
        db.session.expire_all()

    add(2, 0)
    few = _statements(users["manager"])
    add(10, 100)
    assert _statements(users["manager"]) == few


def test_due_lists_merge_the_open_stages_soonest_first_and_count_them_all(lead, users):
    """Each open stage's first items are merged into one order; the total counts every stage's due leads."""
    lead("新咨询", stage=LeadStage.NEW, next_at=NOW - dt.timedelta(hours=3))
    lead("有意向", stage=LeadStage.INTENT, next_at=NOW - dt.timedelta(hours=5))
    lead("待定", stage=LeadStage.PENDING, next_at=NOW - dt.timedelta(hours=1))
    lead("首次沟通", stage=LeadStage.CONTACTED, next_at=NOW - dt.timedelta(hours=4))
    lead("已成交", stage=LeadStage.CONVERTED, next_at=NOW - dt.timedelta(hours=6))
    first_two = overdue_followups(users["sales"], DAY, limit=2)
    assert [x.name for x in first_two.items] == ["有意向", "首次沟通"] and first_two.total == 4
    everything = overdue_followups(users["manager"], DAY)
    assert [x.name for x in everything.items] == ["有意向", "首次沟通", "新咨询", "待定"] and everything.total == 4
    nothing = todays_followups(users["sales"], DAY)
    assert (nothing.items, nothing.total) == ([], 0)


def test_leads_per_stage_are_the_boards_totals_every_stage_included(lead, users):
    from eduflow.leads.queries import stage_totals

    lead("甲", stage=LeadStage.NEW)
    lead("乙", owner="sales2", stage=LeadStage.INTENT)
    lead("丙", owner=None, stage=LeadStage.INTENT)
    for who in ("manager", "sales", "admin"):
        per_stage = dict(leads_per_stage(users[who]))
        assert per_stage == stage_totals(users[who]) and list(per_stage) == list(LeadStage)
    assert dict(leads_per_stage(users["manager"]))[LeadStage.INTENT] == 2
    assert dict(leads_per_stage(users["sales"]))[LeadStage.NEW] == 1
