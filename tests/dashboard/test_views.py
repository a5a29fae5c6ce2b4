"""The dashboard page: each worklist item links to its lead, and scope holds over HTTP."""
import datetime as dt

from flask import url_for

from eduflow.extensions import db
from eduflow.models import LeadStage, utcnow
from tests import factories


def _url(app, endpoint, **values) -> str:
    with app.test_request_context():
        return url_for(endpoint, **values)


def _overdue(campuses, users, name, owner, campus=0):
    lead = factories.make_lead(campuses[campus], name=name, owner=users[owner], phone="13912345678",
                               stage=LeadStage.INTENT, next_followup_at=utcnow() - dt.timedelta(days=1))
    db.session.commit()
    return lead


def test_sales_sees_own_overdue_lead_linked_to_its_page_and_masked(app, client, login_as, users, campuses):
    mine = _overdue(campuses, users, "小明", "sales")
    _overdue(campuses, users, "小红", "sales2")
    login_as("sales")
    body = client.get("/").get_data(as_text=True)
    assert 'data-testid="overdue-followups"' in body and "小明" in body and "小红" not in body
    assert f'href="{_url(app, "leads.detail", lead_id=mine.id)}"' in body
    assert "139****5678" in body and "13912345678" not in body


def test_manager_sees_the_campus_with_owners_but_not_the_other_campus(client, login_as, users, campuses):
    _overdue(campuses, users, "小明", "sales")
    _overdue(campuses, users, "小蓝", "sales_b", campus=1)
    login_as("manager")
    body = client.get("/").get_data(as_text=True)
    assert "小明" in body and users["sales"].display_name in body and "小蓝" not in body


def test_a_long_overdue_list_links_to_the_filtered_lead_list(app, client, login_as, users, campuses):
    for i in range(21):
        _overdue(campuses, users, f"客户{i}", "sales")
    login_as("sales")
    body = client.get("/").get_data(as_text=True)
    assert body.count('data-testid="worklist-item"') == 20
    assert f'href="{_url(app, "leads.index", overdue=1)}"' in body and "查看全部 21 条" in body


def test_teachers_keep_their_dashboard_without_lead_lists(client, login_as, users):
    login_as("teacher")
    body = client.get("/").get_data(as_text=True)
    assert 'data-testid="worklists"' not in body and 'data-testid="stage-counts"' not in body
    assert 'data-testid="teacher-week"' in body and 'data-testid="untaken-sheets"' in body


def test_manager_dashboard_lists_renewal_reminders_and_pending_approvals(client, login_as, users, campuses):
    import datetime as dt

    from eduflow.extensions import db
    from eduflow.models import RenewalReminder, ReminderKind, StatusChange, StatusChangeKind, StudentStatus
    from tests import factories

    student = factories.make_student(campuses[0], name="续费学员", owner=users["sales"])
    enrollment = factories.enroll(student, factories.make_course("看板续费课"), by=users["manager"],
                                  enrolled_on=dt.date(2026, 9, 1))
    db.session.add_all([
        RenewalReminder(student_id=student.id, enrollment_id=enrollment.id, kind=ReminderKind.LOW_HOURS,
                        trigger_value="-1", assigned_to_id=users["sales"].id, is_urgent=True),
        StatusChange(student_id=student.id, kind=StatusChangeKind.SUSPEND, old_status=StudentStatus.ACTIVE,
                     new_status=StudentStatus.SUSPENDED, reason="出国", requested_by_id=users["sales"].id),
    ])
    db.session.commit()
    login_as("manager")
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="renewal-reminders"' in page and "续费学员" in page
    assert 'data-testid="pending-approvals"' in page


def test_the_page_sends_as_many_statements_with_nothing_to_do_as_with_a_full_day(client, login_as, users, campuses):
    """Every worklist asks for its count and its items whatever they hold: the cost of the page never varies."""
    from tests.statements import counted

    def statements(who: str) -> int:
        login_as(who)
        client.get("/")  # the session's user and settings are loaded once
        with counted() as sent:
            assert client.get("/").status_code == 200
        client.post("/logout")
        return len(sent)

    empty = {who: statements(who) for who in ("manager", "sales", "teacher")}
    for i in range(30):
        _overdue(campuses, users, f"客户{i}", "sales" if i % 2 else "sales2")
    assert {who: statements(who) for who in ("manager", "sales", "teacher")} == empty
