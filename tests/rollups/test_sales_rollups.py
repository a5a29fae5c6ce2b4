"""The sales rollups equal their raw rows after any sequence of changes, and the reports read from them show what
a direct computation over the raw rows shows (tests/rollups/raw_sales_reports.py: the reports as they were)."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.leads.conversion import convert_lead
from eduflow.leads.followups import add_lead_follow_up
from eduflow.leads.sixspeed import update_six_speed
from eduflow.leads.stages import can_move, change_stage
from eduflow.models import (
    FollowUp, FollowUpDay, FollowUpGap, FollowUpMethod, FollowUpReach, FunnelDay, Lead, LeadStage, SheetDay, SixSpeed, TrialLesson, TrialStatus, User, utcnow,
)
from eduflow.models.rollups import FollowUpFirst
from eduflow.reports import activity, services
from eduflow.rollups import sales, sales_raw
from eduflow.followups import record_follow_up
from tests.reports.conftest import local, make_lead, source  # noqa: F401
from tests.rollups import raw_sales_reports as raw

pytestmark = pytest.mark.slow

PEOPLE = ("sales", "sales2", "manager", "sales_b", "manager_b")
SCOPES = [("manager", None), ("manager_b", None), ("sales", None), ("sales2", None), ("sales_b", None),
          ("admin", None), ("admin", 0), ("admin", 1)]


def _funnel(report):
    return [[(row.label, row.counts) for row in rows] for rows in ([report.overall], report.by_source, report.by_person)]


def _six_speed(report):
    return [(row.label, row.sheets, row.wechat, row.promised, row.visited, row.second_visits, row.closed,
             row.enrolled) for row in [*report.rows, report.total]]


def _activity(report):
    return [(row.label, dict(row.by_method), row.leads, row.students) for row in report.rows]


def _referrals(report):
    others = report.others
    listed = [[(row.label, row.referred, row.converted, row.student_id) for row in rows]
              for rows in (report.students, report.people)]
    return listed + [others and (others.label, others.referred, others.converted)]


REPORTS = [(services.funnel, raw.funnel, _funnel), (services.six_speed, raw.six_speed, _six_speed),
           (activity.follow_up_activity, raw.follow_up_activity, _activity),
           (services.referrals, raw.referrals, _referrals)]


# Ranges up to 45 days count who reached whom from the first days in them (the longest; ones ending on and
# starting on the days of the long gaps; a day or two), longer ones as pairs less the gaps spanning them.
RANGES = [("2024-02-01", "2024-04-30"), ("2024-03-01", "2024-03-31"), ("2024-03-10", "2024-03-10"),
          ("2024-02-20", "2024-04-05"), ("2024-02-19", "2024-04-05"), ("2024-01-01", "2024-12-31"),
          ("2024-02-21", "2024-04-05"), ("2024-01-21", "2024-03-05"), ("2024-01-05", "2024-02-18"),
          ("2024-03-05", "2024-03-06"), ("2024-05-01", "2024-06-10")]


def assert_reports_equal_raw_rows(scope_for, *ranges):
    for start, end in ranges or RANGES:
        for who, campus in SCOPES:
            scope = scope_for(who, start, end, campus=campus)
            for rolled_up, direct, shown in REPORTS:
                assert shown(rolled_up(scope)) == shown(direct(scope)), (start, end, who, campus, rolled_up.__name__)


@pytest.fixture
def scope_for(users, campuses):
    from eduflow.reports.scope import ReportScope

    def make(who, start, end, campus=None):
        return ReportScope(user=users[who], start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end),
                           campus_id=campuses[campus].id if campus is not None else None)

    return make


def _around_midnight(rng: random.Random) -> dt.datetime:
    """A school time in early 2024 (mostly March), often within minutes of a midnight (where UTC and school days
    differ)."""
    day = dt.datetime(2024, 3, rng.randint(1, 31)) if rng.random() < 0.6 else \
        dt.datetime(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 150))
    minutes = rng.choice([rng.randint(-20, 20), rng.randint(-600, 600)])
    return local(day.year, day.month, day.day) + dt.timedelta(minutes=minutes)


class Story:
    """Random acts through the services (and some direct edits), as the pages and the jobs make them."""

    def __init__(self, rng, users, campuses, make_lead, make_student, lessons, referrers, sources):
        self.rng, self.users, self.campuses = rng, users, campuses
        self.make_lead, self.make_student, self.lessons = make_lead, make_student, lessons
        self.referrers, self.sources = referrers, sources

    def person(self):
        return self.users[self.rng.choice(PEOPLE)]

    def lead(self):
        ids = db.session.scalars(select(Lead.id).order_by(Lead.id)).all()
        return db.session.get(Lead, self.rng.choice(ids))

    def new_lead(self):
        rng = self.rng
        consult = rng.choice([None, f"2024-03-{rng.randint(1, 31):02d}", "2024-02-29"])
        referrer = rng.choice([None, None, *self.referrers])
        self.make_lead(f"线索{rng.randint(1, 10**6)}", rng.choice(["sales", "sales2", None]), campus=rng.choice([0, 0, 1]),
                       consult=consult, created=_around_midnight(rng), source_id=rng.choice([None, *self.sources]),
                       referrer_student_id=referrer.id if referrer else None)

    def follow_up(self):
        """Half of them by one person on one lead on a few days far apart (long gaps between them), some by the
        author of an earlier one on its lead a few days before or after it (short gaps)."""
        rng = self.rng
        earlier = db.session.scalars(select(FollowUp.id).where(
            FollowUp.lead_id.is_not(None), FollowUp.user_id.is_not(None)).order_by(FollowUp.id)).all()
        if rng.random() < 0.5:
            lead = db.session.scalar(select(Lead).order_by(Lead.id).limit(1))
            by, when = self.users["sales"], local(2024, rng.choice([1, 3, 6]), 5, 10)
        elif earlier and rng.random() < 0.4:
            earlier = db.session.get(FollowUp, rng.choice(earlier))
            lead, by = db.session.get(Lead, earlier.lead_id), db.session.get(User, earlier.user_id)
            when = earlier.followed_at + dt.timedelta(days=rng.randint(-12, 12), minutes=rng.randint(-90, 90))
        else:
            lead, by, when = self.lead(), self.person(), _around_midnight(rng)
        add_lead_follow_up(lead, by=by, method=rng.choice(list(FollowUpMethod)), content="跟进", followed_at=when)

    def student_follow_up(self):
        student = self.rng.choice(self.referrers)
        record_follow_up(student, by=self.person(), method=self.rng.choice(list(FollowUpMethod)),
                         content="回访", followed_at=_around_midnight(self.rng))

    def move(self):
        lead = self.lead()
        targets = [stage for stage in LeadStage if stage != LeadStage.CONVERTED and can_move(lead.stage, stage)]
        if targets:
            change_stage(lead, self.rng.choice(targets), by=self.person(), reason="没兴趣")

    def convert(self):
        lead = self.lead()
        if lead.stage in (LeadStage.NEW, LeadStage.CONTACTED, LeadStage.INTENT, LeadStage.PENDING) and lead.owner_id:
            convert_lead(lead, by=self.person())

    def sheet(self):
        rng = self.rng
        changes = rng.choice([{"wechat_added": rng.random() < 0.7}, {"promised_visit_at": _around_midnight(rng)},
                              {"is_closed": rng.random() < 0.7}, {"is_enrolled": rng.random() < 0.5},
                              {"communication_notes": "聊过"}, {"first_visit_at": None, "second_visit_at": None}])
        try:
            update_six_speed(self.lead(), changes, by=self.person())
        except Exception:  # a visit rule refused it: nothing changed
            db.session.rollback()

    def sheet_dated(self):
        sheet = db.session.scalar(select(SixSpeed).order_by(func.random()).limit(1))
        if sheet is not None:
            sheet.created_at = _around_midnight(self.rng)

    def trial(self):
        lead = self.lead()
        trial = db.session.scalar(select(TrialLesson).where(TrialLesson.lead_id == lead.id))
        if trial is None:
            db.session.add(TrialLesson(lead_id=lead.id, lesson_id=self.rng.choice(self.lessons).id,
                                       booked_by_id=self.person().id, status=TrialStatus.ATTENDED))
        else:
            trial.status = self.rng.choice(list(TrialStatus))

    def edit_lead(self):
        lead, rng = self.lead(), self.rng
        field = rng.choice(["consult_date", "source_id", "campus_id", "referrer_student_id", "created_at"])
        value = {"consult_date": rng.choice([None, dt.date(2024, 3, rng.randint(1, 31))]),
                 "source_id": rng.choice([None, *self.sources]),
                 "campus_id": self.campuses[rng.choice([0, 1])].id,
                 "referrer_student_id": rng.choice([None, *[s.id for s in self.referrers]]),
                 "created_at": _around_midnight(rng)}[field]
        setattr(lead, field, value)

    def delete_or_restore(self):
        lead = self.lead()
        lead.deleted_at = None if lead.deleted_at else utcnow()

    def delete_or_restore_student(self):
        student = self.rng.choice(self.referrers)
        student.deleted_at = None if student.deleted_at else utcnow()

    def edit_follow_up(self):
        follow_up = db.session.scalar(select(FollowUp).order_by(func.random()).limit(1))
        if follow_up is None:
            return
        choice = self.rng.random()
        if choice < 0.3:
            db.session.delete(follow_up)
        elif choice < 0.6:
            follow_up.followed_at = _around_midnight(self.rng)
        elif choice < 0.8:
            follow_up.method = self.rng.choice(list(FollowUpMethod))
        else:
            follow_up.user_id = self.person().id

    ACTS = ["new_lead", "follow_up", "follow_up", "student_follow_up", "move", "move", "convert", "sheet", "sheet",
            "sheet_dated", "trial", "edit_lead", "delete_or_restore", "delete_or_restore_student", "edit_follow_up"]

    def run(self, steps: int) -> None:
        for step in range(steps):
            getattr(self, self.rng.choice(self.ACTS))()
            if self.rng.random() < 0.3:
                db.session.commit()
        db.session.commit()


@pytest.fixture
def story(users, campuses, make_lead, make_student, make_class, make_lesson, source):
    def make(seed: int) -> Story:
        rng = random.Random(seed)
        group = make_class()
        lessons = [make_lesson(group, "2024-03-12"), make_lesson(group, "2024-03-20", start=14)]
        referrers = [make_student("老学员甲"), make_student("老学员乙", owner="sales_b", campus=1)]
        sources = [source("线上广告").id, source("地推").id]
        story = Story(rng, users, campuses, make_lead, make_student, lessons, referrers, sources)
        for _ in range(12):
            story.new_lead()
        db.session.commit()
        return story

    return make


def assert_activity_equal_raw_rows(scope_for):
    """Who reached whom over short ranges of every length the first days serve, starting on many days: each
    range's distinct count from FollowUpFirst equals the one over the raw follow-ups."""
    for offset in range(0, 100, 3):
        start = dt.date(2024, 1, 2) + dt.timedelta(days=offset)
        for days in (1, 2, 9, 31, activity.DIRECT_DAYS):
            end = start + dt.timedelta(days=days - 1)
            for who, campus in (("manager", None), ("sales", None), ("admin", 1)):
                scope = scope_for(who, start.isoformat(), end.isoformat(), campus=campus)
                assert _activity(activity.follow_up_activity(scope)) == _activity(raw.follow_up_activity(scope)), (
                    start, end, who, campus)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rollups_equal_the_raw_rows_after_random_changes(story, scope_for, seed):
    story(seed).run(150)
    assert sales_raw.differences() == []
    assert db.session.scalar(select(func.count()).select_from(FunnelDay)) > 0
    assert db.session.scalar(select(func.count()).select_from(SheetDay)) > 0
    assert_reports_equal_raw_rows(scope_for)
    assert_activity_equal_raw_rows(scope_for)


def _kept():
    counted = {table: sorted(map(tuple, db.session.execute(select(table.__table__).where(
        table.__table__.c[measure] != 0)))) for table, _key, measure in sales.ROLLUPS}
    return counted | {table: sorted(row for row in map(tuple, db.session.execute(select(table.__table__)))
                             if table is not FollowUpFirst or any(row[-2:]))  # an emptied first day may stay
                      for table, _key, _values in sales_raw.DERIVED}


def test_a_rebuild_gives_the_rollups_the_changes_kept(story, scope_for):
    story(7).run(120)
    for lead in db.session.scalars(select(Lead).where(Lead.deleted_at.is_not(None))):
        lead.deleted_at = None  # restored: their follow-ups (and gaps) count again
    db.session.commit()
    kept = _kept()
    assert kept[FollowUpGap], "the story leaves long gaps between follow-ups"
    assert kept[FollowUpFirst]
    sales_raw.rebuild()
    db.session.commit()
    assert _kept() == kept
    assert sales_raw.differences() == []
    assert_reports_equal_raw_rows(scope_for)


def test_differences_names_a_rollup_that_disagrees(story):
    story(11).run(40)
    db.session.execute(FollowUpDay.__table__.update().values(follow_ups=FollowUpDay.follow_ups + 1))
    found = sales_raw.differences()
    assert found and all(line.startswith("report_followup_days ") for line in found)


def test_short_ranges_count_each_lead_once_from_its_first_day_in_them(make_lead, users, scope_for):
    """A lead followed up on days 1, 3 and 10 of March and 20 April, another on 3 March, one on the last day of
    February at 23:59: every range of up to 45 days starting on any day around them counts each lead once."""
    first, second, third = (make_lead(name, "sales", consult="2024-03-01") for name in ("甲", "乙", "丙"))
    for lead, when in ((first, local(2024, 3, 1, 10)), (first, local(2024, 3, 3, 0, 5)), (first, local(2024, 3, 10, 9)),
                       (first, local(2024, 4, 20, 9)), (second, local(2024, 3, 3, 23, 55)),
                       (third, local(2024, 2, 29, 23, 59))):
        add_lead_follow_up(lead, by=users["sales"], method=FollowUpMethod.PHONE, content="跟进", followed_at=when)
    db.session.commit()
    for offset in range(57):
        start = dt.date(2024, 2, 25) + dt.timedelta(days=offset)
        for days in (1, 2, 3, 7, 8, 45):
            end = start + dt.timedelta(days=days - 1)
            scope = scope_for("manager", start.isoformat(), end.isoformat())
            assert _activity(activity.follow_up_activity(scope)) == _activity(raw.follow_up_activity(scope)), (
                start, end)
    assert sales_raw.differences() == []


def test_a_follow_up_counts_on_the_school_day_of_its_time(make_lead, users, scope_for):
    """23:59 at school on 31 March is 15:59 UTC that day; 00:01 on 1 April is 16:01 UTC on 31 March: April's."""
    lead = make_lead("跨夜", "sales", consult="2024-03-05")
    for when in (local(2024, 3, 31, 23, 59), local(2024, 4, 1, 0, 1), local(2024, 3, 1, 0, 0),
                 local(2024, 2, 29, 23, 59, 59)):
        add_lead_follow_up(lead, by=users["sales"], method=FollowUpMethod.PHONE, content="跟进", followed_at=when)
    db.session.commit()
    days = dict(db.session.execute(select(FollowUpDay.day, func.sum(FollowUpDay.follow_ups))
                                   .group_by(FollowUpDay.day)).all())
    assert days == {dt.date(2024, 2, 29): 1, dt.date(2024, 3, 1): 1, dt.date(2024, 3, 31): 1, dt.date(2024, 4, 1): 1}
    march = activity.follow_up_activity(scope_for("sales", "2024-03-01", "2024-03-31"))
    assert [(row.label, row.total, row.leads) for row in march.rows] == [("Sales", 2, 1)]
    assert_reports_equal_raw_rows(scope_for, ("2024-03-01", "2024-03-31"))


def test_a_deleted_lead_leaves_the_reports_and_a_restored_one_comes_back(make_lead, users, scope_for):
    lead = make_lead("删了又恢复", "sales", consult="2024-03-05", history=[LeadStage.CONTACTED])
    add_lead_follow_up(lead, by=users["sales"], method=FollowUpMethod.PHONE, content="跟进",
                       followed_at=local(2024, 3, 6, 10))
    db.session.commit()
    lead.deleted_at = utcnow()
    db.session.commit()
    scope = scope_for("manager", "2024-03-01", "2024-03-31")
    assert services.funnel(scope).overall.consulted == 0
    assert activity.follow_up_activity(scope).rows == []
    lead.deleted_at = None
    db.session.commit()
    assert services.funnel(scope).overall.counts == [1, 1, 0, 0, 0]
    assert sales_raw.differences() == []


def test_a_student_follow_up_moves_with_its_student(make_student, users, campuses, scope_for):
    student = make_student("转校区")
    record_follow_up(student, by=users["sales"], method=FollowUpMethod.WECHAT, content="回访",
                     followed_at=local(2024, 3, 6, 10))
    db.session.commit()
    student.campus_id = campuses[1].id
    db.session.commit()
    assert activity.follow_up_activity(scope_for("manager", "2024-03-01", "2024-03-31")).rows == []
    assert [row.students for row in activity.follow_up_activity(scope_for("manager_b", "2024-03-01",
                                                                           "2024-03-31")).rows] == [1]
    assert sales_raw.differences() == []


def test_the_bulk_removal_of_leads_takes_them_out_first(make_lead, users, scope_for):
    lead = make_lead("导入的", "sales", consult="2024-03-05")
    db.session.commit()
    sales.forget(lead_ids=[lead.id])
    db.session.execute(Lead.__table__.update().where(Lead.id == lead.id).values(deleted_at=utcnow()))
    db.session.commit()
    assert sales_raw.differences() == []


def test_the_rollups_are_in_the_flask_command(runner, story):
    story(5).run(30)
    db.session.execute(FollowUpReach.__table__.delete())
    db.session.commit()
    assert runner.invoke(args=["rollups", "verify"]).exit_code != 0
    assert runner.invoke(args=["rollups", "rebuild"]).exit_code == 0
    result = runner.invoke(args=["rollups", "verify"])
    assert result.exit_code == 0, result.output
