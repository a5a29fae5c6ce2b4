"""Trial lessons on the lead page: the booking select, booking, status buttons, the timeline."""
import pytest
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.leads.trials import book_trial
from eduflow.models import Course, LeadStage, TrialLesson, TrialStatus
from tests.leads.test_trials import make_lesson

HX = {"HX-Request": "true"}


@pytest.fixture
def english():
    course = Course(name="少儿英语")
    db.session.add(course)
    db.session.commit()
    return course


@pytest.fixture
def keen_lead(make_lead, english):
    lead = make_lead(stage=LeadStage.INTENT)
    lead.courses.append(english)
    db.session.commit()
    return lead


def _trials():
    return db.session.scalar(select(func.count(TrialLesson.id)))


def test_the_card_offers_upcoming_lessons_with_date_time_class_and_teacher(client, login_as, keen_lead, english,
                                                                          campuses, users):
    lesson = make_lesson(campuses[0], english, teacher=users["teacher"])
    login_as("sales")
    body = client.get(f"/leads/{keen_lead.id}").get_data(as_text=True)
    option = body.split(f'<option value="{lesson.id}">')[1].split("</option>")[0]
    assert lesson.lesson_date.isoformat() in option and "18:00–19:00" in option
    assert "周五班" in option and "Teacher" in option


def test_booking_swaps_the_card_and_refreshes_the_timeline(client, login_as, keen_lead, english, campuses):
    lesson = make_lesson(campuses[0], english)
    login_as("sales")
    response = client.post(f"/leads/{keen_lead.id}/trials", data={"lesson": lesson.id}, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "已预约试听" in body
    assert response.headers["HX-Trigger"] == "timeline-changed"
    trial = db.session.scalar(select(TrialLesson))
    assert f'data-testid="trial-{trial.id}"' in body and trial.status == TrialStatus.BOOKED
    timeline = client.get(f"/leads/{keen_lead.id}/timeline", headers=HX).get_data(as_text=True)
    assert 'data-testid="timeline-trial"' in timeline and "周五班" in timeline


def test_a_lesson_outside_the_rules_is_refused_with_a_message(client, login_as, keen_lead, english, campuses):
    other_campus = make_lesson(campuses[1], english, name="二校区班")
    login_as("sales")
    for data in ({"lesson": other_campus.id}, {"lesson": ""}, {"lesson": "abc"}, {"lesson": 999999}):
        response = client.post(f"/leads/{keen_lead.id}/trials", data=data, headers=HX)
        assert response.status_code == 422, data
        assert 'data-testid="trials"' in response.get_data(as_text=True)
    assert "本校区" in client.post(f"/leads/{keen_lead.id}/trials", data={"lesson": other_campus.id},
                                  headers=HX).get_data(as_text=True)
    assert _trials() == 0


def test_a_second_booking_of_the_same_lesson_is_refused(client, login_as, keen_lead, english, campuses, users):
    lesson = make_lesson(campuses[0], english)
    book_trial(keen_lead, lesson.id, by=users["sales"])
    db.session.commit()
    login_as("sales")
    response = client.post(f"/leads/{keen_lead.id}/trials", data={"lesson": lesson.id}, headers=HX)
    assert response.status_code == 422 and "已预约过" in response.get_data(as_text=True) and _trials() == 1


def test_marking_attended_then_no_show(client, login_as, keen_lead, english, campuses, users):
    trial = book_trial(keen_lead, make_lesson(campuses[0], english, days=0).id, by=users["sales"])
    db.session.commit()
    login_as("manager")
    url = f"/leads/{keen_lead.id}/trials/{trial.id}/status"
    response = client.post(url, data={"status": "attended"}, headers=HX)
    assert response.status_code == 200 and f'data-testid="trial-{trial.id}-no_show"' in response.get_data(as_text=True)
    assert db.session.get(TrialLesson, trial.id).status == TrialStatus.ATTENDED
    assert client.post(url, data={"status": "no_show"}, headers=HX).status_code == 200
    assert db.session.get(TrialLesson, trial.id).status == TrialStatus.NO_SHOW


def test_bad_status_or_future_lesson_is_refused(client, login_as, keen_lead, english, campuses, users):
    trial = book_trial(keen_lead, make_lesson(campuses[0], english, days=3).id, by=users["sales"])
    db.session.commit()
    login_as("sales")
    url = f"/leads/{keen_lead.id}/trials/{trial.id}/status"
    assert client.post(url, data={"status": "teleported"}, headers=HX).status_code == 422
    refused = client.post(url, data={"status": "attended"}, headers=HX)
    assert refused.status_code == 422 and "还没开始" in refused.get_data(as_text=True)
    assert db.session.get(TrialLesson, trial.id).status == TrialStatus.BOOKED


def test_a_trial_of_another_lead_is_not_found(client, login_as, keen_lead, english, campuses, users, make_lead):
    trial = book_trial(keen_lead, make_lesson(campuses[0], english, days=0).id, by=users["sales"])
    db.session.commit()
    other = make_lead(name="李四")
    login_as("sales")
    response = client.post(f"/leads/{other.id}/trials/{trial.id}/status", data={"status": "attended"}, headers=HX)
    assert response.status_code == 404
    assert db.session.get(TrialLesson, trial.id).status == TrialStatus.BOOKED
