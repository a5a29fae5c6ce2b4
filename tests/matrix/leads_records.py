"""Lead records: list (page and htmx fragment), create, edit, the referrer picker's fragment, soft delete, deleted
list and restore.

Leads for admins, managers and sales; delete and restore for managers and admins. Out of scope is 404:
sales2's lead for sales, the second campus's lead for a manager, a live lead for restore.
"""
from eduflow.models import utcnow
from tests.factories import make_lead
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
    Route("leads.referrers", "GET", fixed("/leads/referrers?referrer_q=zs"), LEADS, partial=True),
    Route("leads.referrers", "GET", at("/leads/referrers?referrer_q=zs&lead_id={own}"), LEADS, partial=True,
          name="editing"),
    Route("leads.referrers", "GET", at("/leads/referrers?referrer_q=zs&lead_id={colleagues}"),
          {**LEADS, "sales": 404}, partial=True, name="colleagues-lead"),
    Route("leads.referrers", "GET", at("/leads/referrers?referrer_q=zs&lead_id={other_campus}"),
          {**LEADS, "manager": 404, "sales": 404}, partial=True, name="other-campus"),
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
        "own": make_lead(first, name="矩阵线索", owner=users["sales"]),
        "colleagues": make_lead(first, name="同事线索", owner=users["sales2"]),
        "other_campus": make_lead(second, name="二校线索", owner=users["sales_b"]),
        "deleted": make_lead(first, name="已删线索", owner=users["sales"], deleted_at=utcnow()),
        "deleted_other_campus": make_lead(second, name="二校已删", deleted_at=utcnow()),
    }
    return {"leads_records": {key: lead.id for key, lead in leads.items()}}
