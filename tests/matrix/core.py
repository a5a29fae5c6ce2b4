"""Sign-in, account, language and dashboard routes."""
from tests.matrix import EVERY_ROLE, EVERY_STAFF, OK, PARENT, STAFF, Route, fixed

ROWS = [
    # a parent who opens the staff start page or login page is sent to the parent side
    Route("auth.login", "GET", fixed("/login"), {"anonymous": OK, **{r: 302 for r in (*STAFF, PARENT)}}),
    Route("auth.login", "POST", fixed("/login"), {"anonymous": OK, **{r: 302 for r in (*STAFF, PARENT)}}),
    Route("auth.logout", "POST", fixed("/logout"), EVERY_STAFF),
    Route("auth.change_password", "GET", fixed("/account/password"), EVERY_STAFF),
    Route("auth.change_password", "POST", fixed("/account/password"), EVERY_STAFF),
    Route("auth.set_language", "POST", fixed("/language"), {r: 302 for r in EVERY_ROLE}, data={"locale": "zh_CN"}),
    Route("dashboard.index", "GET", fixed("/"), {**EVERY_STAFF, PARENT: 302}),
    Route("dashboard.healthz", "GET", fixed("/healthz"), {r: OK for r in EVERY_ROLE}),
]


def build(users, campuses) -> dict:
    return {"users": users, "campuses": campuses}
