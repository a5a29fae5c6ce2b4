"""The three list pages as exports: each parses the page's own filter form and runs the page's own query for
the ids, so the file holds exactly what the list shows, every page of it; each batch of rows is then read
as plain columns with their names joined in (see eduflow.exports.sheets)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from eduflow.enrollments.ledger import balances
from eduflow.enrollments.forms import EnrollmentFilterForm
from eduflow.enrollments.services import filtered_enrollments, money_of, paid_amounts
from eduflow.exports.sheets import (
    Column, Export, Viewer, applied_filters, grouped, in_order, labels, local_clock, phone_for, yes_no_labels,
)
from eduflow.extensions import db
from eduflow.leads.forms_records import LeadFilterForm
from eduflow.leads.queries import filtered_leads
from eduflow.models import (
    Campus, ClassGroup, ContractStatus, Course, CustomerLevel, Enrollment, EnrollmentStatus, Gender, Lead,
    LeadStage, Parent, PaymentMethod, SourceChannel, Student, StudentStatus, Tag, User, lead_courses, lead_tags,
)
from eduflow.reference import tag_label
from eduflow.students.forms import StudentFilterForm
from eduflow.students.queries import filtered_students, list_summaries

LEAD_COLUMNS = [
    Column(_l("姓名"), 10), Column(_l("性别"), 6), Column(_l("出生日期")), Column(_l("联系人"), 10),
    Column(_l("与学员关系"), 10), Column(_l("联系电话"), 15), Column(_l("微信号"), 14), Column(_l("阶段"), 10),
    Column(_l("客户等级"), 9), Column(_l("来源渠道"), 12), Column(_l("意向课程"), 20), Column(_l("标签"), 16),
    Column(_l("负责人"), 10), Column(_l("校区"), 10), Column(_l("咨询日期")), Column(_l("最近跟进"), 17),
    Column(_l("下次跟进"), 17), Column(_l("有效线索"), 9), Column(_l("流失原因"), 16), Column(_l("备注"), 30),
    Column(_l("录入时间"), 17),
]
STUDENT_COLUMNS = [
    Column(_l("姓名"), 10), Column(_l("性别"), 6), Column(_l("出生日期")), Column(_l("手机号码"), 15),
    Column(_l("主要联系人"), 12), Column(_l("联系人电话"), 15), Column(_l("状态"), 8), Column(_l("校区"), 10),
    Column(_l("班级"), 20), Column(_l("剩余课时"), 9), Column(_l("负责人"), 10), Column(_l("来源渠道"), 12),
    Column(_l("录入时间"), 17),
]
ENROLLMENT_COLUMNS = [
    Column(_l("学员"), 10), Column(_l("课程"), 14), Column(_l("班级"), 14), Column(_l("合同编号"), 16),
    Column(_l("合同状态"), 9), Column(_l("报名日期")), Column(_l("合同金额（元）")), Column(_l("已收（元）")),
    Column(_l("待收（元）")), Column(_l("购买课时"), 9), Column(_l("赠送课时"), 9), Column(_l("剩余课时"), 9),
    Column(_l("支付方式"), 10), Column(_l("报名状态"), 9),
]


def _ids(query, model):
    """The list query's ids, in its order."""
    return query.with_only_columns(model.id, maintain_column_froms=True)


def lead_export(user: User, args) -> Export:
    """线索列表 as on screen: the list's filters, search and sort."""
    form = LeadFilterForm(args, user=user)
    filters = applied_filters(form, args, ("owner", "source", "tag", "course"))
    query = _ids(filtered_leads(user, form.criteria()), Lead)
    viewer, local, pool = Viewer.of(user), local_clock(), str(_l("公海"))
    gender, stage, level, yes_no = labels(Gender), labels(LeadStage), labels(CustomerLevel), yes_no_labels()
    owner = aliased(User)
    separator = str(_l("、"))  # the reader's list separator, looked up once for every row

    def rows_for(ids: list[int]) -> list[list]:
        leads = in_order(db.session.execute(
            select(Lead.id, Lead.name, Lead.gender, Lead.birth_date, Lead.contact_name, Lead.contact_relation,
                   Lead.phone_encrypted.label("phone"), Lead.wechat_id, Lead.stage, Lead.level, Lead.owner_id,
                   Lead.campus_id, SourceChannel.name.label("source"), owner.display_name.label("owner_name"),
                   Campus.name.label("campus"), Lead.consult_date, Lead.last_followup_at, Lead.next_followup_at,
                   Lead.is_valid, Lead.lost_reason, Lead.notes, Lead.created_at)
            .join(Campus, Campus.id == Lead.campus_id)
            .outerjoin(owner, owner.id == Lead.owner_id)
            .outerjoin(SourceChannel, SourceChannel.id == Lead.source_id)
            .where(Lead.id.in_(ids))), ids)
        courses = grouped(db.session.execute(select(lead_courses.c.lead_id, Course.name)
                                             .join(Course, Course.id == lead_courses.c.course_id)
                                             .where(lead_courses.c.lead_id.in_(ids))))
        tags = grouped(db.session.execute(select(lead_tags.c.lead_id, Tag.name).join(Tag, Tag.id == lead_tags.c.tag_id)
                                          .where(lead_tags.c.lead_id.in_(ids))))
        return [[
            lead.name, gender[lead.gender], lead.birth_date, lead.contact_name, lead.contact_relation,
            phone_for(lead, lead.phone, viewer), lead.wechat_id, stage[lead.stage], level[lead.level],
            lead.source or "", separator.join(courses.get(lead.id, ())), separator.join(tag_label(name) for name in tags.get(lead.id, ())),
            lead.owner_name if lead.owner_id else pool, lead.campus, lead.consult_date, local(lead.last_followup_at),
            local(lead.next_followup_at), yes_no[bool(lead.is_valid)], lead.lost_reason, lead.notes, local(lead.created_at),
        ] for lead in leads]

    return Export("leads", _l("线索"), LEAD_COLUMNS, Lead, query, rows_for, filters)


def student_export(user: User, args) -> Export:
    """学员 as on screen, with the primary parent (usually the one who answers the phone)."""
    form = StudentFilterForm(args, user=user)
    filters = applied_filters(form, args, ("campus", "class_id", "owner"))
    query = _ids(filtered_students(user, form.criteria()), Student)
    viewer, local = Viewer.of(user), local_clock()
    gender, status = labels(Gender), labels(StudentStatus)
    owner = aliased(User)
    separator = str(_l("、"))

    def rows_for(ids: list[int]) -> list[list]:
        students = in_order(db.session.execute(
            select(Student.id, Student.name, Student.gender, Student.birth_date, Student.phone_encrypted.label("phone"),
                   Student.status, Student.campus_id, Student.owner_id, Campus.name.label("campus"),
                   owner.display_name.label("owner_name"), SourceChannel.name.label("source"), Student.created_at)
            .join(Campus, Campus.id == Student.campus_id)
            .outerjoin(owner, owner.id == Student.owner_id)
            .outerjoin(SourceChannel, SourceChannel.id == Student.source_id)
            .where(Student.id.in_(ids))), ids)
        parents: dict = {}
        for parent in db.session.execute(select(Parent.student_id, Parent.name, Parent.phone_encrypted.label("phone"))
                                         .where(Parent.student_id.in_(ids), Parent.is_primary).order_by(Parent.id)):
            parents.setdefault(parent.student_id, parent)  # the first primary, as the student page shows
        summaries = list_summaries(ids)
        rows = []
        for student in students:
            parent, summary = parents.get(student.id), summaries[student.id]
            rows.append([
                student.name, gender[student.gender], student.birth_date, phone_for(student, student.phone, viewer),
                parent.name if parent else "", phone_for(student, parent.phone, viewer) if parent else "",
                status[student.status], student.campus, separator.join(summary.classes), summary.remaining,
                student.owner_name or "", student.source or "", local(student.created_at),
            ])
        return rows

    return Export("students", _l("学员"), STUDENT_COLUMNS, Student, query, rows_for, filters)


def enrollment_export(user: User, args) -> Export:
    """报名列表 as on screen: fee, net paid and outstanding in yuan, lessons remaining from the ledger."""
    form = EnrollmentFilterForm(args, user=user)
    filters = applied_filters(form, args, ("course", "class_id"))
    query = _ids(filtered_enrollments(user, form.criteria()), Enrollment)
    contract, method, status = labels(ContractStatus), labels(PaymentMethod), labels(EnrollmentStatus)
    unplaced = str(_l("未分班"))

    def rows_for(ids: list[int]) -> list[list]:
        enrollments = in_order(db.session.execute(
            select(Enrollment.id, Student.name.label("student"), Course.name.label("course"),
                   ClassGroup.name.label("class_name"), Enrollment.contract_no, Enrollment.contract_status,
                   Enrollment.enrolled_on, Enrollment.total_fee, Enrollment.lessons_purchased, Enrollment.gift_lessons,
                   Enrollment.payment_method, Enrollment.status)
            .join(Student, Student.id == Enrollment.student_id)
            .join(Course, Course.id == Enrollment.course_id)
            .outerjoin(ClassGroup, ClassGroup.id == Enrollment.class_id)
            .where(Enrollment.id.in_(ids))), ids)
        paid, remaining = paid_amounts(ids), balances(ids)
        rows = []
        for enrollment in enrollments:
            money = money_of(enrollment, paid[enrollment.id])
            rows.append([
                enrollment.student, enrollment.course, enrollment.class_name or unplaced, enrollment.contract_no,
                contract[enrollment.contract_status], enrollment.enrolled_on, money.fee, money.paid, money.outstanding,
                enrollment.lessons_purchased, enrollment.gift_lessons, remaining[enrollment.id],
                method[enrollment.payment_method] if enrollment.payment_method else "", status[enrollment.status],
            ])
        return rows

    return Export("enrollments", _l("报名"), ENROLLMENT_COLUMNS, Enrollment, query, rows_for, filters)
