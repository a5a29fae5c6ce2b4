"""Classes, lessons and the timetable: everyone reads in scope, admins / managers / academic staff manage.

Scope rows: another campus's class or lesson is a 404 for its non-admin staff, a class the teacher
neither heads nor teaches is a 404 for the teacher, another teacher's week is a 404 for a teacher.
"""
import datetime as dt

from eduflow.models import Role
from tests.factories import make_class, make_course, make_lesson, make_room, make_user
from tests.matrix import EVERY_STAFF, Route, only

MANAGERS = only("admin", "manager", "academic")


def at(template: str):
    return lambda world: template.format(**world["schedule"])


def _with(expect: dict, **changes) -> dict:
    return {**expect, **changes}


OTHER_CAMPUS = {"manager": 404, "academic": 404}
OTHER_CAMPUS_READ = {"manager": 404, "academic": 404, "sales": 404, "teacher": 404}

ROWS = [
    Route("schedule.classes", "GET", at("/classes"), EVERY_STAFF),
    Route("schedule.class_new", "GET", at("/classes/new"), MANAGERS),
    Route("schedule.class_new", "POST", at("/classes/new"), MANAGERS),
    Route("schedule.class_detail", "GET", at("/classes/{own}"), EVERY_STAFF),
    Route("schedule.class_detail", "GET", at("/classes/{colleague}"), _with(EVERY_STAFF, teacher=404),
          name="not-my-class"),
    Route("schedule.class_detail", "GET", at("/classes/{other_campus}"), _with(EVERY_STAFF, **OTHER_CAMPUS_READ),
          name="other-campus"),
    Route("schedule.class_edit", "GET", at("/classes/{own}/edit"), MANAGERS),
    Route("schedule.class_edit", "GET", at("/classes/{other_campus}/edit"), _with(MANAGERS, **OTHER_CAMPUS),
          name="other-campus"),
    Route("schedule.class_edit", "POST", at("/classes/{own}/edit"), MANAGERS),
    Route("schedule.class_edit", "POST", at("/classes/{other_campus}/edit"), _with(MANAGERS, **OTHER_CAMPUS),
          name="other-campus"),
    Route("schedule.lesson_new", "GET", at("/classes/{own}/lessons/new"), MANAGERS),
    Route("schedule.lesson_new", "POST", at("/classes/{own}/lessons/new"), MANAGERS),
    Route("schedule.lesson_new", "POST", at("/classes/{other_campus}/lessons/new"), _with(MANAGERS, **OTHER_CAMPUS),
          name="other-campus"),
    Route("schedule.lesson_pattern", "GET", at("/classes/{own}/lessons/pattern"), MANAGERS),
    Route("schedule.lesson_pattern", "GET", at("/classes/{other_campus}/lessons/pattern"),
          _with(MANAGERS, **OTHER_CAMPUS), name="other-campus"),
    Route("schedule.lesson_pattern", "POST", at("/classes/{own}/lessons/pattern"), MANAGERS),
    Route("schedule.lesson_edit", "GET", at("/lessons/{own_lesson}/edit"), MANAGERS),
    Route("schedule.lesson_edit", "GET", at("/lessons/{other_campus_lesson}/edit"), _with(MANAGERS, **OTHER_CAMPUS),
          name="other-campus"),
    Route("schedule.lesson_edit", "POST", at("/lessons/{own_lesson}/edit"), MANAGERS),
    Route("schedule.lesson_delete", "POST", at("/lessons/{own_lesson}/delete"), MANAGERS, partial=True),
    Route("schedule.lesson_delete", "POST", at("/lessons/{other_campus_lesson}/delete"),
          _with(MANAGERS, **OTHER_CAMPUS), partial=True, name="other-campus"),
    Route("schedule.timetable", "GET", at("/timetable"), EVERY_STAFF),
    Route("schedule.timetable", "GET", at("/timetable?week=2030-01-07&view=classroom"), EVERY_STAFF, partial=True,
          name="week-fragment"),
    Route("schedule.timetable", "GET", at("/timetable?view=teacher&id={colleague_teacher}"),
          _with(EVERY_STAFF, teacher=404), name="colleague-teacher"),
    Route("schedule.timetable", "GET", at("/timetable?view=teacher&id={other_campus_teacher}"),
          _with(EVERY_STAFF, **OTHER_CAMPUS_READ), name="other-campus-teacher"),
    Route("schedule.timetable", "GET", at("/timetable?view=campus&id={second_campus}"),
          _with(EVERY_STAFF, **OTHER_CAMPUS_READ), name="other-campus"),
]


def build(users, campuses) -> dict:
    first, second = campuses
    colleague = make_user("schedule_teacher2", Role.TEACHER, first, display_name="矩阵教师")
    course = make_course("矩阵排课课程")
    rooms = [make_room(first, name="矩阵教室"), make_room(second, name="矩阵二校教室")]
    start = dt.date.today()
    classes = {
        "own": make_class(course, first, name="矩阵一班", room=rooms[0], head=users["teacher"], start_date=start,
                          capacity=10),
        "colleague": make_class(course, first, name="矩阵同事班", head=colleague, capacity=10),
        "other_campus": make_class(course, second, name="矩阵二校班", room=rooms[1], head=users["teacher_b"],
                                   capacity=10),
    }
    lessons = {f"{key}_lesson": make_lesson(group, start + dt.timedelta(days=3), teacher=group.head_teacher,
                                            room=group.classroom)
               for key, group in classes.items()}
    ids = {key: record.id for key, record in {**classes, **lessons}.items()}
    ids.update(colleague_teacher=colleague.id, other_campus_teacher=users["teacher_b"].id, second_campus=second.id)
    return {"schedule": ids}
