"""Lead records as services: create, edit with the optimistic lock, duplicates, referrals, delete and restore."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from eduflow.domain import DomainError, FieldError, LimitReached, StaleRecord
from eduflow.extensions import db
from eduflow.leads.records import (
    create_lead, deleted_leads, restore, soft_delete, update_lead,
)
from eduflow.models import (
    Course, Lead, LeadStage, LeadStageChange, SourceChannel, Tag, TagKind, utcnow,
)
from eduflow.security.phones import is_contact_phone
from eduflow.settings import settings_for
from tests import factories


def _source(name):
    return db.session.scalar(select(SourceChannel).where(SourceChannel.name == name))


def _values(**overrides):
    return {"name": "王小明", "phone": "138 0013 8000", "source_id": _source("官网").id, **overrides}


def _lead_count():
    return db.session.scalar(select(func.count(Lead.id)))


def _student(campuses, owner=None, name="老学员", campus=0):
    student = factories.make_student(campuses[campus], name=name, owner=owner)
    db.session.commit()
    return student


def test_sales_creates_a_lead_they_own_on_their_campus_at_stage_new(users, campuses):
    lead = create_lead(_values(), by=users["sales"], campus_id=campuses[1].id, owner_id=users["sales2"].id)
    db.session.commit()
    assert (lead.owner_id, lead.campus_id, lead.stage) == (users["sales"].id, campuses[0].id, LeadStage.NEW)
    assert lead.phone == "13800138000" and lead.phone_last4 == "8000"
    assert lead.owner_assigned_at is not None
    history = db.session.scalars(select(LeadStageChange).where(LeadStageChange.lead_id == lead.id)).all()
    assert [(h.from_stage, h.to_stage) for h in history] == [(None, LeadStage.NEW)]


def test_manager_may_leave_a_new_lead_in_the_pool_or_give_it_to_a_colleague(users, campuses):
    pooled = create_lead(_values(), by=users["manager"])
    given = create_lead(_values(phone="13900139000"), by=users["manager"], owner_id=users["sales2"].id)
    db.session.commit()
    assert pooled.owner_id is None and pooled.owner_assigned_at is None and pooled.campus_id == campuses[0].id
    assert given.owner_id == users["sales2"].id


def test_manager_cannot_give_a_lead_to_another_campus_or_a_teacher(users):
    for owner in ("sales_b", "teacher"):
        with pytest.raises(FieldError) as refused:
            create_lead(_values(), by=users["manager"], owner_id=users[owner].id)
        assert refused.value.field == "owner_id"
        db.session.rollback()


def test_admin_picks_the_campus_and_an_owner_of_that_campus(users, campuses):
    lead = create_lead(_values(), by=users["admin"], campus_id=campuses[1].id, owner_id=users["sales_b"].id)
    assert (lead.campus_id, lead.owner_id) == (campuses[1].id, users["sales_b"].id)
    with pytest.raises(FieldError, match="校区"):
        create_lead(_values(phone="13900139000"), by=users["admin"])


def test_academic_staff_cannot_create_leads(users):
    with pytest.raises(DomainError):
        create_lead(_values(), by=users["academic"])


@pytest.mark.parametrize("phone", ["", "12345", "1380013800", "+1 650 253 0000", "4008123123", "abc"])
def test_malformed_or_foreign_phone_is_refused_and_nothing_is_created(users, phone):
    with pytest.raises(FieldError, match="手机号码") as refused:
        create_lead(_values(phone=phone), by=users["sales"])
    assert refused.value.field == "phone"
    db.session.rollback()
    assert _lead_count() == 0


def test_mobiles_and_landlines_with_area_code_are_accepted():
    assert is_contact_phone("+86 138-0013-8000") and is_contact_phone("010-62345678")
    assert not is_contact_phone("62345678")  # a landline needs its area code


def test_duplicate_phone_on_the_campus_names_the_owner_and_creates_nothing(make_lead, users):
    existing = make_lead(name="老客户", owner="sales2")
    existing.phone = "13800138000"
    db.session.commit()
    with pytest.raises(FieldError, match="负责人：Sales2") as refused:
        create_lead(_values(phone="+86 138 0013 8000"), by=users["sales"])
    assert "老客户" not in str(refused.value)  # the owner's name only, never the other lead's data
    db.session.rollback()
    assert _lead_count() == 1


def test_duplicate_of_a_pool_lead_says_it_is_in_the_pool(make_lead, users):
    make_lead(owner=None).phone = "13800138000"
    db.session.commit()
    with pytest.raises(FieldError, match="公海"):
        create_lead(_values(), by=users["sales"])


def test_same_phone_on_another_campus_or_on_a_deleted_lead_is_not_a_duplicate(make_lead, users):
    make_lead(campus=1, owner="sales_b").phone = "13800138000"
    make_lead(deleted_at=utcnow()).phone = "13900139000"
    db.session.commit()
    first = create_lead(_values(), by=users["sales"])
    second = create_lead(_values(phone="13900139000"), by=users["sales"])
    db.session.commit()
    assert (first.phone, second.phone) == ("13800138000", "13900139000") and _lead_count() == 4


def test_creating_respects_the_owners_holding_cap(make_lead, users, campuses):
    settings_for(campuses[0].id).max_open_leads = 1
    make_lead()
    with pytest.raises(LimitReached):
        create_lead(_values(), by=users["sales"])


def test_referral_needs_a_referrer_the_user_may_see(users, campuses):
    referral = _source("转介绍").id
    with pytest.raises(FieldError, match="推荐学员") as missing:
        create_lead(_values(source_id=referral), by=users["sales"])
    assert missing.value.field == "referrer_student_id"
    db.session.rollback()
    colleagues = _student(campuses, owner=users["sales2"])
    with pytest.raises(FieldError, match="权限范围"):
        create_lead(_values(source_id=referral, referrer_student_id=colleagues.id), by=users["sales"])
    db.session.rollback()
    own = _student(campuses, owner=users["sales"], name="自己的学员")
    lead = create_lead(_values(source_id=referral, referrer_student_id=own.id), by=users["sales"])
    assert lead.referrer_student_id == own.id


def test_referrer_must_belong_to_the_leads_campus(users, campuses):
    elsewhere = _student(campuses, campus=1)
    with pytest.raises(FieldError, match="权限范围"):
        create_lead(_values(source_id=_source("转介绍").id, referrer_student_id=elsewhere.id), by=users["manager"])


def test_a_source_other_than_referral_keeps_no_referrer(users, campuses):
    own = _student(campuses, owner=users["sales"])
    lead = create_lead(_values(referrer_student_id=own.id), by=users["sales"])
    assert lead.referrer_student_id is None


def test_edit_changes_details_courses_and_manual_tags_but_keeps_system_tags(make_lead, users):
    course = Course(name="少儿英语")
    manual = Tag(name="意向强烈", kind=TagKind.MANUAL)
    dormant = db.session.scalar(select(Tag).where(Tag.system_code == "dormant"))
    lead = make_lead(tags=[dormant])
    db.session.add_all([course, manual])
    db.session.commit()
    update_lead(lead, {"name": "张小三", "course_ids": [course.id], "tag_ids": [manual.id], "is_valid": False},
                by=users["sales"], expected_version=lead.version)
    db.session.commit()
    assert lead.name == "张小三" and lead.name_pinyin == "zhangxiaosan" and not lead.is_valid
    assert [c.name for c in lead.courses] == ["少儿英语"]
    assert {t.name for t in lead.tags} == {"意向强烈", "休眠"}


def test_a_system_tag_cannot_be_set_by_hand(make_lead, users):
    lead = make_lead()
    dormant = db.session.scalar(select(Tag.id).where(Tag.system_code == "dormant"))
    with pytest.raises(FieldError, match="标签"):
        update_lead(lead, {"tag_ids": [dormant]}, by=users["sales"], expected_version=lead.version)


def test_edit_on_a_stale_version_is_refused_and_changes_nothing(make_lead, users):
    lead = make_lead(name="原名")
    seen = lead.version
    update_lead(lead, {"notes": "同事先改了"}, by=users["sales2"], expected_version=seen)
    db.session.commit()
    with pytest.raises(StaleRecord):
        update_lead(lead, {"name": "新名"}, by=users["sales"], expected_version=seen)
    db.session.rollback()
    assert db.session.get(Lead, lead.id).name == "原名"


def test_only_tags_changing_still_moves_the_version(make_lead, users):
    manual = Tag(name="价格敏感", kind=TagKind.MANUAL)
    db.session.add(manual)
    lead = make_lead()
    before = lead.version
    update_lead(lead, {"tag_ids": [manual.id]}, by=users["sales"], expected_version=before)
    db.session.commit()
    assert lead.version == before + 1


def test_a_concurrent_write_between_load_and_save_is_a_stale_record(make_lead, users):
    lead = make_lead()
    seen = lead.version  # loaded; now someone else writes before this save reaches the database
    db.session.execute(db.update(Lead).where(Lead.id == lead.id).values(version=Lead.version + 1)
                       .execution_options(synchronize_session=False))
    with pytest.raises(StaleRecord):
        update_lead(lead, {"notes": "x"}, by=users["sales"], expected_version=seen)


def test_changing_the_phone_to_a_colleagues_number_is_refused(make_lead, users):
    make_lead(name="同事的", owner="sales2").phone = "13900139000"
    mine = make_lead(name="我的")
    mine.phone = "13800138000"
    db.session.commit()
    update_lead(mine, {"phone": "138-0013-8000"}, by=users["sales"], expected_version=mine.version)  # unchanged
    with pytest.raises(FieldError, match="Sales2"):
        update_lead(mine, {"phone": "13900139000"}, by=users["sales"], expected_version=mine.version)
    db.session.rollback()
    assert db.session.get(Lead, mine.id).phone == "13800138000"


def test_edit_refuses_unknown_fields_such_as_the_stage(make_lead, users):
    lead = make_lead()
    with pytest.raises(DomainError, match="stage"):
        update_lead(lead, {"stage": LeadStage.INTENT}, by=users["sales"], expected_version=lead.version)


def test_manager_soft_deletes_and_restores_a_lead(make_lead, users):
    lead = make_lead()
    soft_delete(lead, by=users["manager"])
    db.session.commit()
    assert lead.is_deleted
    assert db.session.scalars(deleted_leads(users["manager"])).all() == [lead]
    restore(lead, by=users["manager"])
    db.session.commit()
    assert not lead.is_deleted and lead.owner_id == users["sales"].id


def test_sales_and_other_campus_managers_may_not_delete(make_lead, users):
    lead = make_lead()
    for who in ("sales", "manager_b"):
        with pytest.raises(DomainError):
            soft_delete(lead, by=users[who])
    assert db.session.scalars(deleted_leads(users["manager_b"])).all() == []
    assert db.session.scalars(deleted_leads(users["sales"])).all() == []


def test_a_converted_lead_cannot_be_deleted(make_lead, users):
    with pytest.raises(DomainError, match="已转化"):
        soft_delete(make_lead(stage=LeadStage.CONVERTED), by=users["manager"])


def test_restore_is_refused_when_the_number_was_recorded_again(make_lead, users):
    old = make_lead(name="旧的", deleted_at=utcnow() - dt.timedelta(days=1))
    old.phone = "13800138000"
    make_lead(name="新的", owner="sales2").phone = "13800138000"
    db.session.commit()
    with pytest.raises(DomainError, match="Sales2"):
        restore(old, by=users["manager"])


def test_restore_puts_the_lead_in_the_pool_when_its_owner_has_left(make_lead, users):
    lead = make_lead(deleted_at=utcnow())
    users["sales"].is_active = False
    db.session.commit()
    restore(lead, by=users["admin"])
    assert lead.owner_id is None and not lead.is_deleted
