"""Attendance and the lesson ledger, which have no list page: exported by date range from the exports page."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_babel import to_utc
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from eduflow.access import get_or_404, scope_clause
from eduflow.exports.forms import AttendanceExportForm, LedgerExportForm
from eduflow.exports.sheets import Column, Export, applied_filters, in_order, labels, local_clock
from eduflow.extensions import db
from eduflow.models import (
    Attendance, AttendanceStatus, Campus, ClassGroup, Course, Enrollment, LedgerKind, Lesson, LessonLedgerEntry,
    Student, User,
)
from eduflow.students.queries import student_search_clause
from eduflow.system_texts import render

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


def _span(start: dt.time, end: dt.time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


def attendance_export(user: User, args) -> Export:
    """考勤 of the user's lessons between two lesson dates (both included), optionally of one class."""
    form = AttendanceExportForm(args, user=user)
    filters = applied_filters(form, args, ("class_id",))
    query = (select(Attendance.id).join(Lesson, Lesson.id == Attendance.lesson_id)
             .where(scope_clause(Attendance, user))
             .order_by(Lesson.lesson_date, Lesson.start_time, Lesson.id, Attendance.id))
    if form.date_from.data:
        query = query.where(Lesson.lesson_date >= form.date_from.data)
    if form.date_to.data:
        query = query.where(Lesson.lesson_date <= form.date_to.data)
    if form.class_id.data is not None:
        query = query.where(Lesson.class_id == form.class_id.data)
    local, status = local_clock(), labels(AttendanceStatus)
    teacher, recorder = aliased(User), aliased(User)

    def rows_for(ids: list[int]) -> list[list]:
        marks = in_order(db.session.execute(
            select(Attendance.id, Lesson.lesson_date, Lesson.start_time, Lesson.end_time, Campus.name.label("campus"),
                   ClassGroup.name.label("class_name"), Course.name.label("course"),
                   teacher.display_name.label("teacher"), Student.name.label("student"), Attendance.status,
                   Lesson.units, Enrollment.contract_no, Attendance.notes, recorder.display_name.label("recorder"),
                   Attendance.updated_at)
            .join(Lesson, Lesson.id == Attendance.lesson_id)
            .join(ClassGroup, ClassGroup.id == Lesson.class_id)
            .join(Course, Course.id == ClassGroup.course_id)
            .join(Campus, Campus.id == ClassGroup.campus_id)
            .join(Student, Student.id == Attendance.student_id)
            .outerjoin(teacher, teacher.id == Lesson.teacher_id)
            .outerjoin(Enrollment, Enrollment.id == Attendance.enrollment_id)
            .outerjoin(recorder, recorder.id == Attendance.recorded_by_id)
            .where(Attendance.id.in_(ids))), ids)
        return [[
            mark.lesson_date, _span(mark.start_time, mark.end_time), mark.campus, mark.class_name, mark.course,
            mark.teacher or "", mark.student, status[mark.status], mark.units, mark.contract_no or "", mark.notes,
            mark.recorder or "", local(mark.updated_at),
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
    # The running balance is summed over the enrolment's whole ledger, before the dates narrow the lines,
    # once for the whole export: each key is (line id, balance after it).
    running = (select(entry.id.label("entry_id"), func.sum(entry.units).over(
        partition_by=entry.enrollment_id, order_by=(entry.created_at, entry.id)).label("balance_after"))
        .where(students).subquery())
    query = (select(entry.id, running.c.balance_after)
             .join(running, running.c.entry_id == entry.id)
             .order_by(entry.created_at, entry.id))
    if form.date_from.data:
        query = query.where(entry.created_at >= _school_day_start(form.date_from.data))
    if form.date_to.data:
        query = query.where(entry.created_at < _school_day_start(form.date_to.data + dt.timedelta(days=1)))
    local, kind, status, system = local_clock(), labels(LedgerKind), labels(AttendanceStatus), str(_l("系统"))
    teacher, writer = aliased(User), aliased(User)

    def rows_for(keys: list[tuple]) -> list[list]:
        ids = [line_id for line_id, _balance in keys]
        lines = in_order(db.session.execute(
            select(entry.id, entry.created_at, Student.name.label("student"), Enrollment.contract_no,
                   Course.name.label("course"), entry.kind, entry.units, Lesson.lesson_date,
                   ClassGroup.name.label("class_name"), teacher.display_name.label("teacher"),
                   entry.attendance_status, entry.reason, writer.display_name.label("writer"))
            .join(Enrollment, Enrollment.id == entry.enrollment_id)
            .join(Student, Student.id == Enrollment.student_id)
            .join(Course, Course.id == Enrollment.course_id)
            .outerjoin(Lesson, Lesson.id == entry.lesson_id)
            .outerjoin(ClassGroup, ClassGroup.id == Lesson.class_id)
            .outerjoin(teacher, teacher.id == Lesson.teacher_id)
            .outerjoin(writer, writer.id == entry.created_by_id)
            .where(entry.id.in_(ids))), ids)
        balance = dict(keys)
        return [[
            local(line.created_at), line.student, line.contract_no, line.course, kind[line.kind], line.units,
            int(balance[line.id]), line.lesson_date, line.class_name or "", line.teacher or "",
            status[line.attendance_status] if line.attendance_status else "", render(line.reason), line.writer or system,
        ] for line in lines]  # the mark the row was written for, as on the ledger page

    return Export("ledger", _l("课时流水"), LEDGER_COLUMNS, LessonLedgerEntry, query, rows_for, filters)
