"""The three list pages as exports: each parses the page's own filter form and runs the page's own query,
so the file holds exactly what the list shows, every page of it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from eduflow.academics.ledger import balances
from eduflow.enrollments.forms import EnrollmentFilterForm
from eduflow.enrollments.services import filtered_enrollments, money_of, paid_amounts
from eduflow.exports.sheets import Column, Export, Viewer, applied_filters, local, name_of, phone_for, yes_no
from eduflow.leads.forms_records import LeadFilterForm
from eduflow.leads.queries import filtered_leads
from eduflow.leads.records import with_list_details
from eduflow.models import Enrollment, Lead, Student, User
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


def lead_export(user: User, args) -> Export:
    """线索列表 as on screen: the list's filters, search and sort."""
    form = LeadFilterForm(args, user=user)
    filters = applied_filters(form, args, ("owner", "source", "tag", "course"))
    query = with_list_details(filtered_leads(user, form.criteria())).options(selectinload(Lead.campus))
    viewer = Viewer.of(user)

    def rows_for(leads: list[Lead]) -> list[list]:
        return [[
            lead.name, lead.gender.label, lead.birth_date, lead.contact_name, lead.contact_relation,
            phone_for(lead, lead.phone, viewer), lead.wechat_id, lead.stage.label, lead.level.label,
            lead.source.name if lead.source else "", "、".join(c.name for c in lead.courses),
            "、".join(t.name for t in lead.tags), name_of(lead.owner) if lead.owner else str(_l("公海")),
            lead.campus.name, lead.consult_date, local(lead.last_followup_at), local(lead.next_followup_at),
            yes_no(lead.is_valid), lead.lost_reason, lead.notes, local(lead.created_at),
        ] for lead in leads]

    return Export("leads", _l("线索"), LEAD_COLUMNS, Lead, query, rows_for, filters)


def student_export(user: User, args) -> Export:
    """学员 as on screen, with the primary parent (usually the one who answers the phone)."""
    form = StudentFilterForm(args, user=user)
    filters = applied_filters(form, args, ("campus", "class_id", "owner"))
    query = filtered_students(user, form.criteria()).options(selectinload(Student.parents),
                                                             selectinload(Student.source))
    viewer = Viewer.of(user)

    def rows_for(students: list[Student]) -> list[list]:
        summaries = list_summaries([s.id for s in students])
        rows = []
        for student in students:
            parent = next((p for p in student.parents if p.is_primary), None)
            summary = summaries[student.id]
            rows.append([
                student.name, student.gender.label, student.birth_date, phone_for(student, student.phone, viewer),
                parent.name if parent else "", phone_for(student, parent.phone, viewer) if parent else "",
                student.status.label, student.campus.name, "、".join(summary.classes), summary.remaining,
                name_of(student.owner), student.source.name if student.source else "", local(student.created_at),
            ])
        return rows

    return Export("students", _l("学员"), STUDENT_COLUMNS, Student, query, rows_for, filters)


def enrollment_export(user: User, args) -> Export:
    """报名列表 as on screen: fee, net paid and outstanding in yuan, lessons remaining from the ledger."""
    form = EnrollmentFilterForm(args, user=user)
    filters = applied_filters(form, args, ("course", "class_id"))
    query = filtered_enrollments(user, form.criteria())

    def rows_for(enrollments: list[Enrollment]) -> list[list]:
        ids = [e.id for e in enrollments]
        paid, remaining = paid_amounts(ids), balances(ids)
        rows = []
        for enrollment in enrollments:
            money = money_of(enrollment, paid[enrollment.id])
            rows.append([
                enrollment.student.name, enrollment.course.name,
                enrollment.class_group.name if enrollment.class_group else str(_l("未分班")), enrollment.contract_no,
                enrollment.contract_status.label, enrollment.enrolled_on, money.fee, money.paid, money.outstanding,
                enrollment.lessons_purchased, enrollment.gift_lessons, remaining[enrollment.id],
                enrollment.payment_method.label if enrollment.payment_method else "", enrollment.status.label,
            ])
        return rows

    return Export("enrollments", _l("报名"), ENROLLMENT_COLUMNS, Enrollment, query, rows_for, filters)
