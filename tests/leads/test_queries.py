"""Search by name, pinyin, initials and phone digits; filters; board order; the duplicate check."""
import datetime as dt

from eduflow.extensions import db
from eduflow.contacts import same_phone
from eduflow.leads.queries import LeadFilters, board_order, filtered_leads
from eduflow.models import Lead, LeadStage, Tag

NOW = dt.datetime(2026, 11, 22, 2, 0)


def _names(user, **filters):
    return [lead.name for lead in db.session.scalars(filtered_leads(user, LeadFilters(**filters), now=NOW))]


def test_chinese_name_is_found_by_pinyin_initials_and_characters(make_lead, users):
    zhang = make_lead(name="张三")
    zhang.phone = "13912345678"
    make_lead(name="李四")
    db.session.commit()
    for q in ("zhangsan", "zs", "ZhangSan", "张", "5678", "139 1234 5678"):
        assert _names(users["sales"], q=q) == ["张三"], q


def test_search_treats_percent_signs_literally(make_lead, users):
    make_lead(name="张三")
    assert _names(users["sales"], q="%") == []


def test_filters_combine_with_scope(make_lead, users):
    make_lead(name="意向", stage=LeadStage.INTENT)
    make_lead(name="新的")
    make_lead(name="同事意向", owner="sales2", stage=LeadStage.INTENT)
    assert _names(users["sales"], stage=LeadStage.INTENT) == ["意向"]
    assert sorted(_names(users["manager"], stage=LeadStage.INTENT)) == ["同事意向", "意向"]
    assert _names(users["manager"], owner_id=users["sales2"].id) == ["同事意向"]


def test_overdue_and_dormant_filters(make_lead, users):
    make_lead(name="逾期", next_followup_at=NOW - dt.timedelta(days=1))
    make_lead(name="未到期", next_followup_at=NOW + dt.timedelta(days=1))
    dormant = db.session.scalar(db.select(Tag).where(Tag.system_code == "dormant"))  # from reference data
    make_lead(name="休眠的", tags=[dormant])
    assert _names(users["sales"], overdue=True) == ["逾期"]
    assert _names(users["sales"], dormant=True) == ["休眠的"]


def test_board_order_puts_overdue_first_then_next_follow_up(make_lead, users, campuses):
    make_lead(name="无计划")
    make_lead(name="后天", next_followup_at=NOW + dt.timedelta(days=2))
    make_lead(name="逾期", next_followup_at=NOW - dt.timedelta(days=3))
    make_lead(name="明天", next_followup_at=NOW + dt.timedelta(days=1))
    query = db.select(Lead).order_by(*board_order(NOW))
    assert [lead.name for lead in db.session.scalars(query)] == ["逾期", "明天", "后天", "无计划"]


def test_duplicate_phone_is_found_across_the_campus_but_not_elsewhere(make_lead, users):
    existing = make_lead(name="老客户", owner="sales2")
    existing.phone = "13800002222"
    db.session.commit()
    assert same_phone(Lead, existing.campus_id, "+86 138 0000 2222").owner_id == users["sales2"].id
    assert same_phone(Lead, existing.campus_id, "13800002222", exclude_id=existing.id) is None
    other_campus = make_lead(campus=1, owner="sales_b")
    assert same_phone(Lead, other_campus.campus_id, "13800002222") is None
