"""The lead page: header, six-speed sheet, timeline, quick-add follow-up, trials.

Admins, managers and sales; out of scope is 404: sales2's lead for sales, the second campus's lead for the
first campus's manager, a pool lead for sales, another lead's trial under this lead's URL for everyone.
"""
from eduflow.extensions import db
from eduflow.leads.trials import school_today
from eduflow.models import LeadStage, Lesson, TrialLesson
from tests.factories import make_class, make_course, make_lead, make_lesson
from tests.matrix import LOGIN, Route, only

LEAD_STAFF = only("admin", "manager", "sales")
NOT_FOUND_FOR_STAFF = {"anonymous": LOGIN, "admin": 404, "manager": 404, "sales": 404, "academic": 403,
                       "teacher": 403}
FOLLOW_UP = {"method": "phone", "content": "矩阵跟进"}
# The whole sheet as the lead page posts it; version 0: saved onto a lead without a sheet (the matrix rolls back).
STAGE = {"stage": "contacted", "version": "1"}
SIX_SPEED = {"six_speed-version": "0", "six_speed-distance": "3公里", "six_speed-stickiness": "",
             **{f"six_speed-{flag}": "0" for flag in ("wechat_added", "is_closed", "is_enrolled")},
             "six_speed-is_valid": "1"}


def at(template: str):
    return lambda world: template.format(**world["leads_detail"])


def _with(expect: dict, **changes) -> dict:
    return {**expect, **changes}


OTHERS = _with(LEAD_STAFF, sales=404)
OTHER_CAMPUS = _with(LEAD_STAFF, sales=404, manager=404)

ROWS = [
    Route("leads.detail", "GET", at("/leads/{own}"), LEAD_STAFF),
    Route("leads.detail", "GET", at("/leads/{others}"), OTHERS, name="others-lead"),
    Route("leads.detail", "GET", at("/leads/{other_campus}"), OTHER_CAMPUS, name="other-campus"),
    Route("leads.detail", "GET", at("/leads/{pool}"), OTHERS, name="pool-lead"),
    Route("leads.detail", "GET", at("/leads/999999"), NOT_FOUND_FOR_STAFF, name="unknown-lead"),
    Route("leads.six_speed", "GET", at("/leads/{own}/six-speed"), LEAD_STAFF, partial=True),
    Route("leads.six_speed", "POST", at("/leads/{own}/six-speed"), LEAD_STAFF, partial=True, data=SIX_SPEED),
    Route("leads.six_speed", "GET", at("/leads/{others}/six-speed"), OTHERS, partial=True, name="others-lead"),
    Route("leads.six_speed", "POST", at("/leads/{others}/six-speed"), OTHERS, partial=True, data=SIX_SPEED,
          name="others-lead"),
    Route("leads.six_speed", "POST", at("/leads/{other_campus}/six-speed"), OTHER_CAMPUS, partial=True,
          data=SIX_SPEED, name="other-campus"),
    Route("leads.timeline", "GET", at("/leads/{own}/timeline"), LEAD_STAFF, partial=True),
    Route("leads.timeline", "GET", at("/leads/{others}/timeline?before=2026-01-01T00:00:00~follow_up~1"), OTHERS, partial=True,
          name="others-lead"),
    Route("leads.timeline", "GET", at("/leads/{other_campus}/timeline"), OTHER_CAMPUS, partial=True,
          name="other-campus"),
    Route("leads.add_follow_up", "POST", at("/leads/{own}/follow-ups"), LEAD_STAFF, partial=True, data=FOLLOW_UP),
    Route("leads.add_follow_up", "POST", at("/leads/{others}/follow-ups"), OTHERS, partial=True, data=FOLLOW_UP,
          name="others-lead"),
    Route("leads.add_follow_up", "POST", at("/leads/{other_campus}/follow-ups"), OTHER_CAMPUS, partial=True,
          data=FOLLOW_UP, name="other-campus"),
    Route("leads.change_stage", "POST", at("/leads/{own}/stage"), LEAD_STAFF, data=STAGE),
    Route("leads.change_stage", "POST", at("/leads/{others}/stage"), OTHERS, data=STAGE, name="others-lead"),
    Route("leads.change_stage", "POST", at("/leads/{other_campus}/stage"), OTHER_CAMPUS, data=STAGE,
          name="other-campus"),
    # Route.data cannot name the world's lesson id: an empty choice is refused (422) once access is granted.
    Route("leads.book_trial", "POST", at("/leads/{own}/trials"), LEAD_STAFF, partial=True, data={"lesson": ""}),
    Route("leads.book_trial", "POST", at("/leads/{others}/trials"), OTHERS, partial=True, data={"lesson": ""},
          name="others-lead"),
    Route("leads.book_trial", "POST", at("/leads/{other_campus}/trials"), OTHER_CAMPUS, partial=True,
          data={"lesson": ""}, name="other-campus"),
    Route("leads.trial_status", "POST", at("/leads/{own}/trials/{own_trial}/status"), LEAD_STAFF, partial=True,
          data={"status": "attended"}),
    Route("leads.trial_status", "POST", at("/leads/{others}/trials/{others_trial}/status"), OTHERS, partial=True,
          data={"status": "attended"}, name="others-lead"),
    Route("leads.trial_status", "POST", at("/leads/{own}/trials/{others_trial}/status"), NOT_FOUND_FOR_STAFF,
          partial=True, data={"status": "attended"}, name="another-leads-trial"),
]


def _todays_lesson(campus) -> Lesson:
    group = make_class(make_course("矩阵试听课"), campus, name="矩阵试听班")
    return make_lesson(group, school_today())


def build(users, campuses) -> dict:
    """Leads of sales, sales2, the second campus and the pool; a trial today for sales's and sales2's leads."""
    first, second = campuses
    leads = {
        "own": make_lead(first, name="详情自己", owner=users["sales"], stage=LeadStage.INTENT),
        "others": make_lead(first, name="详情同事", owner=users["sales2"], stage=LeadStage.INTENT),
        "other_campus": make_lead(second, name="详情二校", owner=users["sales_b"]),
        "pool": make_lead(first, name="详情公海"),
    }
    lesson = _todays_lesson(first)
    trials = {f"{key}_trial": TrialLesson(lead_id=leads[key].id, lesson_id=lesson.id) for key in ("own", "others")}
    db.session.add_all(trials.values())
    db.session.commit()
    return {"leads_detail": {**{key: lead.id for key, lead in leads.items()},
                             **{key: trial.id for key, trial in trials.items()}}}
