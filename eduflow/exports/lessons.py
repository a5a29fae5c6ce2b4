"""Attendance and the lesson ledger, which have no list page: exported by date range from the exports page."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_babel import to_utc
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from eduflow.access import get_or_404, scope_clause
from eduflow.exports.forms import AttendanceExportForm, LedgerExportForm
from eduflow.exports.sheets import Column, Export, applied_filters, local, name_of
from eduflow.models import Attendance, ClassGroup, Enrollment, Lesson, LessonLedgerEntry, Student, User
from eduflow.students.queries import student_search_clause

ATTENDANCE_COLUMNS = [
    Column(_l("上课日期")), Column(_l("上课时间")), Column(_l("校区"), 10), Column(_l("班级"), 14),
    Column(_l("课程"), 14), Column(_l("教师"), 10), Column(_l("学员"), 10), Column(_l("考勤状态"), 9),
    Column(_l("课时数"), 8), Column(_l("合同编号"), 16), Column(_l("备注"), 24), Column(_l("记录人"), 10),
    Column(_l("记录时间"), 17),
]
LEDGER_COLUMNS = [
    Column(_l("时间"), 17), Column(_l("学员"), 10), Column(_l("合同编号"), 16), Column(_l("课程"), 14),
    Column(_l("类型"), 9), Column(_l("课时"), 7), Column(_l("结余"), 7), Column(_l("上课日期")),
    Column(_l("班级"), 14), Column(_l("教师"), 10), Column(_l("考勤状态"), 9), Column(_l("原因"), 30),
    Column(_l("记录人"), 10),
]


def _span(lesson: Lesson) -> str:
    return f"{lesson.start_time:%H:%M}–{lesson.end_time:%H:%M}"


def attendance_export(user: User, args) -> Export:
    """考勤 of the user's lessons between two lesson dates (both included), optionally of one class."""
    form = AttendanceExportForm(args, user=user)
    filters = applied_filters(form, args, ("class_id",))
    query = (select(Attendance).join(Lesson, Lesson.id == Attendance.lesson_id)
             .where(scope_clause(Attendance, user))
             .options(contains_eager(Attendance.lesson).joinedload(Lesson.class_group).joinedload(ClassGroup.course),
                      contains_eager(Attendance.lesson).joinedload(Lesson.class_group).joinedload(ClassGroup.campus),
                      contains_eager(Attendance.lesson).joinedload(Lesson.teacher),
                      joinedload(Attendance.student), joinedload(Attendance.enrollment),
                      joinedload(Attendance.recorded_by))
             .order_by(Lesson.lesson_date, Lesson.start_time, Lesson.id, Attendance.id))
    if form.date_from.data:
        query = query.where(Lesson.lesson_date >= form.date_from.data)
    if form.date_to.data:
        query = query.where(Lesson.lesson_date <= form.date_to.data)
    if form.class_id.data is not None:
        query = query.where(Lesson.class_id == form.class_id.data)

    def rows_for(marks: list[Attendance]) -> list[list]:
        return [[
            mark.lesson.lesson_date, _span(mark.lesson), mark.lesson.class_group.campus.name,
            mark.lesson.class_group.name, mark.lesson.class_group.course.name, name_of(mark.lesson.teacher),
            mark.student.name, mark.status.label, mark.lesson.units,
            mark.enrollment.contract_no if mark.enrollment else "", mark.notes, name_of(mark.recorded_by),
            local(mark.updated_at),
        ] for mark in marks]

    return Export("attendance", _l("考勤"), ATTENDANCE_COLUMNS, Attendance, query, rows_for, filters)


def _school_day_start(day: dt.date) -> dt.datetime:
    """Midnight of a school day, as the naive UTC the timestamps are stored in."""
    return to_utc(dt.datetime.combine(day, dt.time.min))


def ledger_export(user: User, args) -> Export:
    """课时流水 of the user's students, written between two dates (both included), with each line's balance."""
    form = LedgerExportForm(args)
    filters = applied_filters(form, args, ("student_id",))
    entry = LessonLedgerEntry
    students = scope_clause(entry, user)
    if form.student_id.data is not None:
        students &= entry.student_id == get_or_404(Student, form.student_id.data, user).id
    if form.q.data:
        students &= entry.student_id.in_(select(Student.id).where(student_search_clause(form.q.data)))
    # The running balance is summed over the enrolment's whole ledger, before the dates narrow the lines.
    running = (select(entry.id.label("entry_id"), func.sum(entry.units).over(
        partition_by=entry.enrollment_id, order_by=(entry.created_at, entry.id)).label("balance_after"))
        .where(students).subquery())
    query = (select(entry, running.c.balance_after)
             .join(running, running.c.entry_id == entry.id)
             .options(joinedload(entry.enrollment).joinedload(Enrollment.student),
                      joinedload(entry.enrollment).joinedload(Enrollment.course),
                      joinedload(entry.lesson).joinedload(Lesson.class_group),
                      joinedload(entry.lesson).joinedload(Lesson.teacher), joinedload(entry.created_by))
             .order_by(entry.created_at, entry.id))
    if form.date_from.data:
        query = query.where(entry.created_at >= _school_day_start(form.date_from.data))
    if form.date_to.data:
        query = query.where(entry.created_at < _school_day_start(form.date_to.data + dt.timedelta(days=1)))

    def rows_for(lines) -> list[list]:
        return [[
            local(line.created_at), line.enrollment.student.name, line.enrollment.contract_no,
            line.enrollment.course.name, line.kind.label, line.units, int(balance_after),
            line.lesson.lesson_date if line.lesson else None,
            line.lesson.class_group.name if line.lesson else "", name_of(line.lesson.teacher) if line.lesson else "",
            line.attendance_status.label if line.attendance_status else "", line.reason,
            name_of(line.created_by) or str(_l("系统")),
        ] for line, balance_after in lines]  # the mark the row was written for, as on the ledger page

    return Export("ledger", _l("课时流水"), LEDGER_COLUMNS, LessonLedgerEntry, query, rows_for, filters)
