"""Conversion (转化): the owner, their campus manager and admins; other leads do not exist for anyone else."""
from eduflow.models import LeadStage
from tests.factories import make_lead
from tests.matrix import LOGIN, Route, only

LEAD_ROLES = only("admin", "manager", "sales")


def at(key: str):
    return lambda world: f"/leads/{world['conversion'][key]}/convert"


ROWS = [
    Route("leads.convert", "GET", at("own"), LEAD_ROLES),
    Route("leads.convert", "POST", at("own"), LEAD_ROLES, data={"version": "1"}),
    Route("leads.convert", "GET", at("colleagues"), {**LEAD_ROLES, "sales": 404}, name="others-lead"),
    Route("leads.convert", "POST", at("colleagues"), {**LEAD_ROLES, "sales": 404}, data={"version": "1"},
          name="others-lead"),
    Route("leads.convert", "GET", at("other_campus"), {**LEAD_ROLES, "manager": 404, "sales": 404},
          name="other-campus"),
    Route("leads.convert", "POST", at("other_campus"), {**LEAD_ROLES, "manager": 404, "sales": 404},
          data={"version": "1"}, name="other-campus"),
    Route("leads.convert", "GET", lambda world: "/leads/999999/convert",
          {"anonymous": LOGIN, "admin": 404, "manager": 404, "sales": 404, "academic": 403, "teacher": 403},
          name="unknown-lead"),
]


def build(users, campuses) -> dict:
    """A lead of `sales`, one of `sales2` (same campus) and one of the second campus."""
    leads = {
        "own": make_lead(campuses[0], name="转化甲", owner=users["sales"], stage=LeadStage.PENDING),
        "colleagues": make_lead(campuses[0], name="转化乙", owner=users["sales2"], stage=LeadStage.INTENT),
        "other_campus": make_lead(campuses[1], name="转化丙", owner=users["sales_b"]),
    }
    return {"conversion": {key: lead.id for key, lead in leads.items()}}
