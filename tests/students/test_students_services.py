"""Student and parent rules as services: one primary parent, duplicates, ID cards, owners, follow-ups."""
import datetime as dt

import pytest

from eduflow.domain import DomainError, FieldError
from eduflow.extensions import db
from eduflow.followups import record_follow_up
from eduflow.models import FollowUp, FollowUpMethod, Parent, StudentStatus, Tag, TagKind, utcnow
from eduflow.students.services import (
    add_parent, create_student, make_primary, remove_parent,
    update_student,
)

VALID_ID = "11010519491231002X"


def _primaries(student):
    db.session.expire_all()
    return [p.name for p in db.session.scalars(db.select(Parent).where(Parent.student_id == student.id,
                                                                         Parent.is_primary))]


def test_the_first_parent_becomes_the_primary_contact(make_student):
    student = make_student("李小明")
    assert _primaries(student) == ["李小明妈妈"]


def test_a_second_parent_is_not_primary_until_made_so(make_student):
    student = make_student()
    father = add_parent(student, name="李爸爸", relationship="父亲", phone="13900001111")
    db.session.commit()
    assert _primaries(student) == ["李小明妈妈"]
    make_primary(father)
    db.session.commit()
    assert _primaries(student) == ["李爸爸"]


def test_adding_a_parent_as_primary_swaps_in_one_go(make_student):
    student = make_student()
    add_parent(student, name="奶奶", phone="13900002222", primary=True)
    db.session.commit()
    assert _primaries(student) == ["奶奶"]


def test_removing_the_primary_parent_is_refused_until_another_is_primary(make_student):
    student = make_student()
    mother = student.parents[0]
    father = add_parent(student, name="李爸爸", phone="13900001111")
    db.session.commit()
    with pytest.raises(DomainError):
        remove_parent(mother)
    make_primary(father)
    remove_parent(mother)
    db.session.commit()
    assert _primaries(student) == ["李爸爸"]
    assert db.session.scalar(db.select(db.func.count(Parent.id)).where(Parent.student_id == student.id)) == 1


def test_a_bad_parent_phone_is_refused(make_student):
    student = make_student()
    with pytest.raises(FieldError) as error:
        add_parent(student, name="王", phone="12345")
    assert error.value.field == "phone"


def test_sales_own_the_students_they_create(users, campuses):
    student = create_student(by=users["sales"], campus_id=campuses[0].id, status=StudentStatus.ACTIVE,
                             owner_id=users["sales2"].id, name="张三", parent={"name": "张妈妈", "phone": "13900003333"})
    assert student.owner_id == users["sales"].id


def test_a_duplicate_phone_on_the_campus_is_refused_naming_the_owner(make_student, users, campuses):
    make_student("王一", phone="13800138000", owner="sales2")
    with pytest.raises(FieldError) as error:
        create_student(by=users["manager"], campus_id=campuses[0].id, status=StudentStatus.POTENTIAL,
                       name="王二", phone="138 0013 8000", parent={"name": "王妈妈", "phone": "13900004444"})
    assert error.value.field == "phone" and "Sales2" in str(error.value)
    other_campus = make_student("王三", phone="13800138000", owner="sales_b", campus=1)
    assert other_campus.id  # another campus may have the same number


def test_an_invalid_id_card_is_refused_and_a_valid_one_stored_normalised(make_student):
    with pytest.raises(FieldError) as error:
        make_student("赵一", id_card="110105194912310021")
    assert error.value.field == "id_card"
    db.session.rollback()
    student = make_student("赵二", id_card="11010519491231002x")
    db.session.expire_all()
    assert student.id_card == VALID_ID


def test_a_new_student_is_potential_or_active_only(users, campuses):
    with pytest.raises(FieldError):
        create_student(by=users["admin"], campus_id=campuses[0].id, status=StudentStatus.GRADUATED, name="钱",
                       parent={"name": "钱妈妈", "phone": "13900005555"})


def test_the_owner_must_be_an_active_salesperson_of_the_campus(users, campuses):
    with pytest.raises(FieldError) as error:
        create_student(by=users["admin"], campus_id=campuses[0].id, status=StudentStatus.ACTIVE, name="孙",
                       owner_id=users["sales_b"].id, parent={"name": "孙妈妈", "phone": "13900006666"})
    assert error.value.field == "owner_id"


def test_editing_keeps_system_tags_and_only_managers_move_the_owner(make_student, users):
    student = make_student()
    dormant = Tag(name="休眠了", kind=TagKind.SYSTEM, system_code="test_dormant")
    manual = Tag(name="钢琴", kind=TagKind.MANUAL)
    db.session.add_all([dormant, manual])
    student.tags = [dormant]
    db.session.commit()
    update_student(student, by=users["sales"], owner_id=users["sales2"].id, tag_ids=[manual.id, dormant.id],
                   name="李小明", phone="13700137000")
    db.session.commit()
    assert {t.name for t in student.tags} == {"休眠了", "钢琴"}
    assert student.owner_id == users["sales"].id
    update_student(student, by=users["manager"], owner_id=users["sales2"].id, phone="13700137000")
    db.session.commit()
    assert student.owner_id == users["sales2"].id and student.phone_last4 == "7000"


def test_a_follow_up_needs_content_and_a_later_next_time(make_student, users):
    student = make_student()
    with pytest.raises(FieldError):
        record_follow_up(student, by=users["sales"], method=FollowUpMethod.PHONE, content="  ")
    with pytest.raises(FieldError):
        record_follow_up(student, by=users["sales"], method=FollowUpMethod.PHONE, content="续费意向",
                         next_followup_at=utcnow() - dt.timedelta(hours=1))
    record_follow_up(student, by=users["sales"], method=FollowUpMethod.WECHAT, content="续费意向",
                     next_followup_at=utcnow() + dt.timedelta(days=2))
    db.session.commit()
    saved = db.session.scalar(db.select(FollowUp).where(FollowUp.student_id == student.id))
    assert saved.content == "续费意向" and saved.lead_id is None and saved.user_id == users["sales"].id
