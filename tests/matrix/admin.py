"""Administration routes: admin only, everyone else 403."""
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import SourceChannel, Tag
from tests.factories import make_course, make_room
from tests.matrix import ADMIN_ONLY, Route, fixed


def at(template: str):
    return lambda world: template.format(**world["admin"])


ROWS = [
    Route("admin.users", "GET", fixed("/admin/users"), ADMIN_ONLY),
    Route("admin.users_new", "GET", fixed("/admin/users/new"), ADMIN_ONLY),
    Route("admin.users_new", "POST", fixed("/admin/users/new"), ADMIN_ONLY),
    Route("admin.users_edit", "GET", at("/admin/users/{user}/edit"), ADMIN_ONLY),
    Route("admin.users_edit", "POST", at("/admin/users/{user}/edit"), ADMIN_ONLY),
    Route("admin.users_password", "GET", at("/admin/users/{user}/password"), ADMIN_ONLY),
    Route("admin.users_password", "POST", at("/admin/users/{user}/password"), ADMIN_ONLY),
    Route("admin.users_deactivate", "GET", at("/admin/users/{user}/deactivate"), ADMIN_ONLY),
    Route("admin.users_deactivate", "POST", at("/admin/users/{user}/deactivate"), ADMIN_ONLY),
    Route("admin.users_activate", "POST", at("/admin/users/{user}/activate"), ADMIN_ONLY),
    Route("admin.campuses", "GET", fixed("/admin/campuses"), ADMIN_ONLY),
    Route("admin.campuses_new", "GET", fixed("/admin/campuses/new"), ADMIN_ONLY),
    Route("admin.campuses_new", "POST", fixed("/admin/campuses/new"), ADMIN_ONLY),
    Route("admin.campuses_edit", "GET", at("/admin/campuses/{campus}/edit"), ADMIN_ONLY),
    Route("admin.campuses_edit", "POST", at("/admin/campuses/{campus}/edit"), ADMIN_ONLY),
    Route("admin.campuses_classrooms", "GET", at("/admin/campuses/{campus}/classrooms"), ADMIN_ONLY, partial=True),
    Route("admin.campuses_classrooms_new", "POST", at("/admin/campuses/{campus}/classrooms/new"), ADMIN_ONLY,
          partial=True),
    Route("admin.campuses_classrooms_edit", "GET", at("/admin/campuses/{campus}/classrooms/{room}/edit"),
          ADMIN_ONLY, partial=True),
    Route("admin.campuses_classrooms_edit", "POST", at("/admin/campuses/{campus}/classrooms/{room}/edit"),
          ADMIN_ONLY, partial=True),
    Route("admin.courses", "GET", fixed("/admin/courses"), ADMIN_ONLY),
    Route("admin.courses_new", "GET", fixed("/admin/courses/new"), ADMIN_ONLY),
    Route("admin.courses_new", "POST", fixed("/admin/courses/new"), ADMIN_ONLY),
    Route("admin.courses_edit", "GET", at("/admin/courses/{course}/edit"), ADMIN_ONLY),
    Route("admin.courses_edit", "POST", at("/admin/courses/{course}/edit"), ADMIN_ONLY),
    Route("admin.tags", "GET", fixed("/admin/tags"), ADMIN_ONLY),
    Route("admin.tags_new", "GET", fixed("/admin/tags/new"), ADMIN_ONLY),
    Route("admin.tags_new", "POST", fixed("/admin/tags/new"), ADMIN_ONLY),
    Route("admin.tags_edit", "GET", at("/admin/tags/{tag}/edit"), ADMIN_ONLY),
    Route("admin.tags_edit", "POST", at("/admin/tags/{tag}/edit"), ADMIN_ONLY),
    Route("admin.sources", "GET", fixed("/admin/sources"), ADMIN_ONLY),
    Route("admin.sources_new", "GET", fixed("/admin/sources/new"), ADMIN_ONLY),
    Route("admin.sources_new", "POST", fixed("/admin/sources/new"), ADMIN_ONLY),
    Route("admin.sources_edit", "GET", at("/admin/sources/{source}/edit"), ADMIN_ONLY),
    Route("admin.sources_edit", "POST", at("/admin/sources/{source}/edit"), ADMIN_ONLY),
    Route("admin.settings", "GET", fixed("/admin/settings"), ADMIN_ONLY),
    Route("admin.settings", "POST", fixed("/admin/settings"), ADMIN_ONLY),
    Route("admin.settings_campus", "GET", at("/admin/settings/{campus}"), ADMIN_ONLY),
    Route("admin.settings_campus", "POST", at("/admin/settings/{campus}"), ADMIN_ONLY),
    Route("admin.settings_reset", "POST", at("/admin/settings/{campus}/reset"), ADMIN_ONLY),
    Route("admin.users_edit", "GET", fixed("/admin/users/999999/edit"), {**ADMIN_ONLY, "admin": 404},
          name="unknown-user"),
    Route("admin.courses_edit", "GET", fixed("/admin/courses/999999/edit"), {**ADMIN_ONLY, "admin": 404},
          name="unknown-course"),
    Route("admin.audit", "GET", fixed("/admin/audit"), ADMIN_ONLY),
    Route("admin.audit", "GET", fixed("/admin/audit?action=login_ok"), ADMIN_ONLY, partial=True, name="results"),
    Route("admin.audit_people", "GET", fixed("/admin/audit/people?actor=a"), ADMIN_ONLY, partial=True),
    Route("admin.audit_records", "GET", fixed("/admin/audit/records?entity=leads&record=a"), ADMIN_ONLY, partial=True),
]


def build(users, campuses) -> dict:
    room = make_room(campuses[0], name="101")
    course = make_course("矩阵课程（管理）", total_lessons=10, price="100")
    return {"admin": {
        "user": users["teacher"].id,
        "campus": campuses[0].id,
        "room": room.id,
        "course": course.id,
        "tag": db.session.scalar(select(Tag.id).limit(1)),
        "source": db.session.scalar(select(SourceChannel.id).limit(1)),
    }}
