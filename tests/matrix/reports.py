"""Reports: the list and each report for admins, managers and salespeople (their own figures); lesson money and
attendance rates for admins and managers only; academic staff and teachers have no reports."""
from tests.matrix import Route, fixed, only

SALES_SIDE = only("admin", "manager", "sales")
OFFICE = only("admin", "manager")
MARCH = "start=2024-03-01&end=2024-03-31"

ROWS = [
    Route("reports.index", "GET", fixed("/reports"), SALES_SIDE),
    *[Route("reports.index", "GET", fixed(f"/reports/{name}"), SALES_SIDE, name=name)
      for name in ("funnel", "sixspeed", "activity", "referrals", "renewals", "balances")],
    *[Route("reports.index", "GET", fixed(f"/reports/{name}"), OFFICE, name=name) for name in ("money", "attendance")],
    Route("reports.index", "GET", fixed(f"/reports/funnel?{MARCH}"), SALES_SIDE, partial=True, name="fragment"),
    Route("reports.index", "GET", fixed(f"/reports/money?{MARCH}"), OFFICE, partial=True, name="money-fragment"),
    Route("reports.index", "GET", fixed("/reports/funnel?start=2024-02-30"), SALES_SIDE, name="bad-date"),
    Route("reports.index", "GET", fixed("/reports/no-such-report"),
          {**SALES_SIDE, "admin": 404, "manager": 404, "sales": 404}, name="unknown"),
]


def build(users, campuses) -> dict:
    return {}
