"""Conversion (转化): the owner, their campus manager and admins; other leads do not exist for anyone else."""
from eduflow.extensions import db
from eduflow.models import Lead, LeadStage
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
        "own": Lead(name="转化甲", campus_id=campuses[0].id, owner_id=users["sales"].id, stage=LeadStage.PENDING),
        "colleagues": Lead(name="转化乙", campus_id=campuses[0].id, owner_id=users["sales2"].id,
                           stage=LeadStage.INTENT),
        "other_campus": Lead(name="转化丙", campus_id=campuses[1].id, owner_id=users["sales_b"].id),
    }
    db.session.add_all(leads.values())
    db.session.commit()
    return {"conversion": {key: lead.id for key, lead in leads.items()}}
