"""Lead records: list (page and htmx fragment), create, edit, soft delete, deleted list and restore.

Leads for admins, managers and sales; delete and restore for managers and admins. Out of scope is 404:
sales2's lead for sales, the second campus's lead for a manager, a live lead for restore.
"""
from eduflow.extensions import db
from eduflow.models import Lead, utcnow
from tests.matrix import Route, fixed, only

LEADS = only("admin", "manager", "sales")
MANAGERS = only("admin", "manager")


def at(template: str):
    return lambda world: template.format(**world["leads_records"])


ROWS = [
    Route("leads.index", "GET", fixed("/leads"), LEADS),
    Route("leads.index", "GET", fixed("/leads?q=zs&stage=new"), LEADS, partial=True, name="fragment"),
    Route("leads.new", "GET", fixed("/leads/new"), LEADS),
    Route("leads.new", "POST", fixed("/leads/new"), LEADS),
    Route("leads.edit", "GET", at("/leads/{own}/edit"), LEADS),
    Route("leads.edit", "POST", at("/leads/{own}/edit"), LEADS),
    Route("leads.edit", "GET", at("/leads/{colleagues}/edit"), {**LEADS, "sales": 404}, name="colleagues-lead"),
    Route("leads.edit", "POST", at("/leads/{colleagues}/edit"), {**LEADS, "sales": 404}, name="colleagues-lead"),
    Route("leads.edit", "GET", at("/leads/{other_campus}/edit"), {**LEADS, "manager": 404, "sales": 404},
          name="other-campus"),
    Route("leads.edit", "GET", at("/leads/{deleted}/edit"), {**LEADS, "admin": 404, "manager": 404, "sales": 404},
          name="deleted-lead"),
    Route("leads.delete", "POST", at("/leads/{own}/delete"), MANAGERS),
    Route("leads.delete", "POST", at("/leads/{other_campus}/delete"), {**MANAGERS, "manager": 404},
          name="other-campus"),
    Route("leads.deleted", "GET", fixed("/leads/deleted"), MANAGERS),
    Route("leads.restore", "POST", at("/leads/{deleted}/restore"), MANAGERS),
    Route("leads.restore", "POST", at("/leads/{deleted_other_campus}/restore"), {**MANAGERS, "manager": 404},
          name="other-campus"),
    Route("leads.restore", "POST", at("/leads/{own}/restore"), {**MANAGERS, "admin": 404, "manager": 404},
          name="live-lead"),
]


def build(users, campuses) -> dict:
    first, second = campuses
    leads = {
        "own": Lead(name="矩阵线索", campus_id=first.id, owner_id=users["sales"].id),
        "colleagues": Lead(name="同事线索", campus_id=first.id, owner_id=users["sales2"].id),
        "other_campus": Lead(name="二校线索", campus_id=second.id, owner_id=users["sales_b"].id),
        "deleted": Lead(name="已删线索", campus_id=first.id, owner_id=users["sales"].id, deleted_at=utcnow()),
        "deleted_other_campus": Lead(name="二校已删", campus_id=second.id, deleted_at=utcnow()),
    }
    db.session.add_all(leads.values())
    db.session.commit()
    return {"leads_records": {key: lead.id for key, lead in leads.items()}}
