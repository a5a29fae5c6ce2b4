"""Sign-in, account, language and dashboard routes."""
from tests.matrix import EVERY_STAFF, OK, ROLES, STAFF, Route, fixed

ROWS = [
    Route("auth.login", "GET", fixed("/login"), {"anonymous": OK, **{r: 302 for r in STAFF}}),
    Route("auth.login", "POST", fixed("/login"), {"anonymous": OK, **{r: 302 for r in STAFF}}),
    Route("auth.logout", "POST", fixed("/logout"), EVERY_STAFF),
    Route("auth.change_password", "GET", fixed("/account/password"), EVERY_STAFF),
    Route("auth.change_password", "POST", fixed("/account/password"), EVERY_STAFF),
    Route("auth.set_language", "POST", fixed("/language"), {r: 302 for r in ROLES}, data={"locale": "zh_CN"}),
    Route("dashboard.index", "GET", fixed("/"), EVERY_STAFF),
    Route("dashboard.healthz", "GET", fixed("/healthz"), {r: OK for r in ROLES}),
]


def build(users, campuses) -> dict:
    return {"users": users, "campuses": campuses}
