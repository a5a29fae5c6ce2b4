"""The parent side's timetable (课表) and calendar feed (日历订阅): the matrix's rows and the records they name.

The timetable is the parent's own; ?child= naming another family's child answers the parent 404. The feed needs no
sign-in (its token is the key): everyone gets it with the parent's token, and 404 with a token nobody holds.
"""
from eduflow.models import Role  # noqa: F401 - the models package is loaded before the factories
from eduflow.parents.accounts import account_for_phone
from tests import factories
from tests.matrix import LOGIN, OK, PARENT, PARENT_ONLY, STAFF, Route, fixed

EVERYONE = {"anonymous": OK, **{role: OK for role in STAFF}, PARENT: OK}
NOBODY = {"anonymous": 404, **{role: 404 for role in STAFF}, PARENT: 404}
FOREIGN = {**PARENT_ONLY, PARENT: 404}

ROWS = [
    Route("parent.timetable", "GET", fixed("/p/timetable"), PARENT_ONLY),
    Route("parent.timetable", "GET", lambda w: f"/p/timetable?child={w['timetable_child']}", PARENT_ONLY,
          name="own-child"),
    Route("parent.timetable", "GET", lambda w: f"/p/timetable?child={w['timetable_other_child']}", FOREIGN,
          name="other-child"),
    Route("parent.calendar", "GET", fixed("/p/calendar"), PARENT_ONLY),
    Route("parent.calendar_reset", "POST", fixed("/p/calendar/reset"), {**PARENT_ONLY, "anonymous": LOGIN}),
    Route("parent.calendar_feed", "GET", lambda w: f"/p/calendar/{w['timetable_token']}.ics", EVERYONE),
    Route("parent.calendar_feed", "GET", fixed("/p/calendar/no-such-token.ics"), NOBODY, name="unknown-token"),
]


def build(users, campuses) -> dict:
    """A child of the matrix's parent with a lesson tomorrow, another family's child, and the parent's feed token."""
    import datetime as dt

    from eduflow.i18n import school_today

    course = factories.make_course("课表矩阵课程")
    group = factories.make_class(course, campuses[0], name="课表矩阵班")
    child = factories.make_student(campuses[0], name="课表家长孩子", owner=users["sales"])
    other = factories.make_student(campuses[0], name="课表别家孩子", owner=users["sales"])
    factories.make_parent(child)
    factories.make_parent(other, name="李爸爸", phone="13987654321", relationship="父亲")
    factories.enroll(child, course, by=users["sales"], group=group, lessons=5)
    factories.make_lesson(group, school_today() + dt.timedelta(days=1), teacher=users["teacher"])
    account = account_for_phone(factories.PARENT_PHONE)  # made by tests/matrix/parents.py, which builds first
    account.calendar_token = "matrix-calendar-token"
    return {"timetable_child": child.id, "timetable_other_child": other.id,
            "timetable_token": account.calendar_token}
