"""Board columns and moves, and the pool query, as services without HTTP."""
import datetime as dt

import pytest
from sqlalchemy import event, select

from eduflow.domain import DomainError, StaleRecord
from eduflow.extensions import db
from eduflow.leads.board import (
    CONVERT, MOVED, NEEDS_REASON, STAGE_TARGETS, board_columns, column_page, leads_in_scope, move_card, pool_leads,
    stage_counts,
)
from eduflow.leads.queries import LeadFilters
from eduflow.models import Course, Lead, LeadStage, LeadStageChange, SixSpeed, Stickiness, Tag

NOW = dt.datetime(2026, 11, 22, 2, 0)


def _names(page):
    return [card.name for card in page.cards]


def test_counts_are_totals_per_stage_not_the_size_of_a_page(make_lead, users):
    for i in range(25):
        make_lead(name=f"新{i}")
    make_lead(name="意向", stage=LeadStage.INTENT)
    make_lead(name="同事的", owner="sales2")
    counts = stage_counts(users["sales"], LeadFilters(), NOW)
    assert counts[LeadStage.NEW] == 25 and counts[LeadStage.INTENT] == 1 and counts[LeadStage.LOST] == 0
    assert stage_counts(users["manager"], LeadFilters(), NOW)[LeadStage.NEW] == 26


def test_counts_follow_the_filters(make_lead, users):
    make_lead(name="逾期", next_followup_at=NOW - dt.timedelta(days=1))
    make_lead(name="不急", next_followup_at=NOW + dt.timedelta(days=1))
    assert stage_counts(users["sales"], LeadFilters(overdue=True), NOW)[LeadStage.NEW] == 1
    assert stage_counts(users["sales"], LeadFilters(q="不急"), NOW)[LeadStage.NEW] == 1


def test_a_column_pages_through_its_cards_and_says_when_more_follow(make_lead, users):
    for i in range(5):
        make_lead(name=f"线索{i}", next_followup_at=NOW + dt.timedelta(days=i))
    first = column_page(users["sales"], LeadFilters(), LeadStage.NEW, 1, NOW, per_page=2)
    second = column_page(users["sales"], LeadFilters(), LeadStage.NEW, 2, NOW, per_page=2)
    last = column_page(users["sales"], LeadFilters(), LeadStage.NEW, 3, NOW, per_page=2)
    assert (_names(first), first.next_page) == (["线索0", "线索1"], 2)
    assert (_names(second), second.next_page) == (["线索2", "线索3"], 3)
    assert (_names(last), last.next_page) == (["线索4"], None)
    assert column_page(users["sales"], LeadFilters(), LeadStage.NEW, 9, NOW, per_page=2).cards == []


def test_cards_are_ordered_overdue_first_then_by_next_follow_up(make_lead, users):
    make_lead(name="没约", next_followup_at=None)
    make_lead(name="后天", next_followup_at=NOW + dt.timedelta(days=2))
    make_lead(name="逾期久", next_followup_at=NOW - dt.timedelta(days=5))
    make_lead(name="明天", next_followup_at=NOW + dt.timedelta(days=1))
    make_lead(name="刚逾期", next_followup_at=NOW - dt.timedelta(hours=1))
    page = column_page(users["sales"], LeadFilters(), LeadStage.NEW, 1, NOW)
    assert _names(page) == ["逾期久", "刚逾期", "明天", "后天", "没约"]
    assert [card.overdue for card in page.cards] == [True, True, False, False, False]


def test_a_card_knows_idle_days_and_a_closed_lead_is_never_overdue(make_lead, users):
    make_lead(name="流失", stage=LeadStage.LOST, next_followup_at=NOW - dt.timedelta(days=3),
              last_followup_at=NOW - dt.timedelta(days=4, hours=2))
    card = column_page(users["sales"], LeadFilters(), LeadStage.LOST, 1, NOW).cards[0]
    assert card.overdue is False and card.idle_days == 4


def test_the_board_loads_cards_without_a_query_per_card(app, make_lead, users):
    course, tag, second_tag = Course(name="钢琴"), Tag(name="试听过"), Tag(name="高意向")
    db.session.add_all([course, tag, second_tag])
    for i in range(12):
        lead = make_lead(name=f"线索{i}")
        lead.courses.append(course)
        lead.tags.extend([second_tag, tag])
        lead.six_speed = SixSpeed(owner_id=lead.owner_id, stickiness=Stickiness.HIGH)
    db.session.commit()
    sales = db.session.get(type(users["sales"]), users["sales"].id)  # committed: loaded again before counting
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        columns = board_columns(sales, LeadFilters(), now=NOW)
        shown = [(c.owner_name, c.courses, c.tags, c.stickiness) for c in columns[0].page.cards]
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(shown) == 12
    owner, courses, tags, stickiness = shown[0]
    assert (owner, courses, sorted(tags), stickiness) == ("Sales", ("钢琴",), sorted(["试听过", "高意向"]), Stickiness.HIGH)
    assert len(statements) == 1 + 1 + 2  # one count, every column's page ids, their cards (leads; courses and tags)


def test_moving_a_card_records_the_change(make_lead, users):
    lead = make_lead()
    assert move_card(lead, LeadStage.CONTACTED, by=users["sales"], expected_version=1) == MOVED
    db.session.commit()
    assert lead.stage == LeadStage.CONTACTED and lead.version == 2
    change = db.session.scalar(select(LeadStageChange))
    assert (change.from_stage, change.to_stage, change.changed_by_id) == (LeadStage.NEW, LeadStage.CONTACTED,
                                                                          users["sales"].id)


def test_dropping_on_lost_asks_for_a_reason_first(make_lead, users):
    lead = make_lead()
    assert move_card(lead, LeadStage.LOST, by=users["sales"], expected_version=1) == NEEDS_REASON
    assert move_card(lead, LeadStage.LOST, by=users["sales"], expected_version=1, reason="  ") == NEEDS_REASON
    assert lead.stage == LeadStage.NEW
    assert move_card(lead, LeadStage.LOST, by=users["sales"], expected_version=1, reason="太远") == MOVED
    assert (lead.stage, lead.lost_reason) == (LeadStage.LOST, "太远")


def test_dropping_on_converted_opens_the_conversion_instead(make_lead, users):
    lead = make_lead(stage=LeadStage.PENDING)
    assert move_card(lead, LeadStage.CONVERTED, by=users["sales"], expected_version=1) == CONVERT
    assert lead.stage == LeadStage.PENDING
    lost = make_lead(name="流失", stage=LeadStage.LOST)
    with pytest.raises(DomainError, match="不能从"):
        move_card(lost, LeadStage.CONVERTED, by=users["sales"], expected_version=1)


@pytest.mark.parametrize("start,target", [
    (LeadStage.CONVERTED, LeadStage.NEW), (LeadStage.NEW, LeadStage.NEW), (LeadStage.LOST, LeadStage.INTENT),
])
def test_illegal_moves_are_refused(make_lead, users, start, target):
    lead = make_lead(stage=start)
    with pytest.raises(DomainError):
        move_card(lead, target, by=users["sales"], expected_version=1, reason="x")


@pytest.mark.parametrize("start", list(LeadStage))
def test_the_stage_menu_offers_exactly_the_moves_a_drop_accepts(make_lead, users, start):
    for target in LeadStage:
        lead = make_lead(stage=start)
        try:
            outcome = move_card(lead, target, by=users["sales"], expected_version=1, reason="x")
        except DomainError:
            outcome = None
        db.session.rollback()
        assert (outcome is not None) == (target in STAGE_TARGETS[start]), (start, target)
    assert list(STAGE_TARGETS[start]) == sorted(STAGE_TARGETS[start], key=list(LeadStage).index)


def test_a_stale_version_is_refused(make_lead, users):
    lead = make_lead()
    with pytest.raises(StaleRecord):
        move_card(lead, LeadStage.CONTACTED, by=users["sales"], expected_version=0)


def test_a_concurrent_write_between_read_and_flush_is_a_stale_record(app, make_lead, users):
    lead = make_lead()
    with app.app_context():  # another request, in its own session, moves the lead first
        other = db.session.get(Lead, lead.id)
        other.stage = LeadStage.INTENT
        db.session.commit()
    with pytest.raises(StaleRecord):
        move_card(lead, LeadStage.CONTACTED, by=users["sales"], expected_version=1)
    db.session.rollback()
    assert db.session.get(Lead, lead.id).stage == LeadStage.INTENT


def test_the_pool_holds_the_campus_open_leads_without_owner(make_lead, campuses):
    make_lead(name="公海新", owner=None)
    make_lead(name="公海流失", owner=None, stage=LeadStage.LOST)
    make_lead(name="有主", owner="sales")
    make_lead(name="二校公海", owner=None, campus=1)
    deleted = make_lead(name="已删", owner=None)
    deleted.deleted_at = NOW
    db.session.commit()
    names = [lead.name for lead in db.session.scalars(pool_leads(campuses[0].id, LeadFilters()))]
    assert names == ["公海新"]
    assert db.session.scalars(pool_leads(campuses[0].id, LeadFilters(q="gonghai"))).all()
    assert not db.session.scalars(pool_leads(campuses[0].id, LeadFilters(q="zhang"))).all()


def test_assignment_loads_only_leads_in_scope(make_lead, users):
    mine, theirs = make_lead(owner=None), make_lead(owner=None, campus=1)
    assert [lead.id for lead in leads_in_scope(users["manager"], [mine.id])] == [mine.id]
    assert leads_in_scope(users["manager"], [mine.id, theirs.id]) is None
