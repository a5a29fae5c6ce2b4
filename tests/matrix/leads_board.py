"""The lead board and the pool: sales, managers and admins; scope by owner (sales) and campus (managers)."""
from tests.factories import make_lead
from tests.matrix import EVERY_ROLE, Route, only

LEAD_STAFF = only("admin", "manager", "sales")
CLAIMERS = only("manager", "sales")
ASSIGNERS = only("admin", "manager")


def at(template: str):
    return lambda world: template.format(**world["leads_board"])


def _with(expect: dict, **changes) -> dict:
    return {**expect, **changes}


ROWS = [
    Route("leads.board", "GET", at("/leads/board"), LEAD_STAFF),
    Route("leads.board_column", "GET", at("/leads/board/column/new?page=2"), LEAD_STAFF, partial=True),
    Route("leads.board_column", "GET", at("/leads/board/column/bogus"), {role: 404 for role in EVERY_ROLE}, partial=True,
          name="unknown-stage"),  # no such column: not even a route
    Route("leads.board_card", "GET", at("/leads/{own}/card"), LEAD_STAFF, partial=True),
    Route("leads.board_card", "GET", at("/leads/{colleague}/card"), _with(LEAD_STAFF, sales=404), partial=True,
          name="colleague-lead"),
    Route("leads.move", "POST", at("/leads/{own}/move"), LEAD_STAFF, partial=True,
          data={"stage": "contacted", "version": "1"}),
    Route("leads.move", "POST", at("/leads/{colleague}/move"), _with(LEAD_STAFF, sales=404), partial=True,
          data={"stage": "contacted", "version": "1"}, name="colleague-lead"),
    Route("leads.move", "POST", at("/leads/{other_campus}/move"), _with(LEAD_STAFF, sales=404, manager=404),
          partial=True, data={"stage": "contacted", "version": "1"}, name="other-campus"),
    Route("leads.pool", "GET", at("/leads/pool"), LEAD_STAFF),
    Route("leads.claim", "POST", at("/leads/{pool}/claim"), CLAIMERS, partial=True),
    Route("leads.claim", "POST", at("/leads/{other_pool}/claim"), _with(CLAIMERS, sales=404, manager=404),
          partial=True, name="other-campus"),
    Route("leads.release", "POST", at("/leads/{own}/release"), LEAD_STAFF, data={"reason": "矩阵"}),
    Route("leads.release", "POST", at("/leads/{colleague}/release"), _with(LEAD_STAFF, sales=404),
          data={"reason": "矩阵"}, name="colleague-lead"),
    # Route.data cannot name the world's ids: with nothing ticked the form is refused (a redirect back to
    # the pool); assigning another campus's lead is a 404 in tests/leads/test_pool_views.py.
    Route("leads.assign", "POST", at("/leads/assign"), ASSIGNERS),
]


def build(users, campuses) -> dict:
    first, second = campuses
    leads = {
        "own": make_lead(first, name="矩阵自己", owner=users["sales"]),
        "colleague": make_lead(first, name="矩阵同事", owner=users["sales2"]),
        "other_campus": make_lead(second, name="矩阵二校", owner=users["sales_b"]),
        "pool": make_lead(first, name="矩阵公海"),
        "other_pool": make_lead(second, name="矩阵二校公海"),
    }
    return {"leads_board": {key: lead.id for key, lead in leads.items()}}
