"""Bad input on every route of app.url_map: never a 5xx, and a refused request writes nothing.

Built from the role × route matrix (tests/matrix/*): its rows give each route a valid URL and its `world`
the records behind it, so a new route joins the fuzz with its matrix row. As an admin (sees everything)
and as a manager (one campus), three sweeps:

- ids: every int argument of every rule at 0, -1, 2^31, 2^63 and 10^30 is a 404, and so is every other
  URL argument (a stage, a report's name) holding a NUL byte or 10,000 characters;
- lists: every GET route with its query parameters (the matrix URL's, the fields of the GET forms that
  query it on any page, page and sort) all set to NUL bytes, 10,000 characters, huge, non-finite or
  impossible values at once;
- forms: every POST route with the fields of its form as rendered on the pages (else the matrix row's
  data), one field at a time set to a value no form may accept (NUL, 10,000 characters, NaN / inf /
  1e999, ids beyond the id columns, 2026-02-30, 99999-01-01), the other fields as a browser sends them.
Plus an anonymous sweep of sign-in and language.

"Nothing written" is the row count of every table, the audit log included (updates are audited), before
and after each route's requests. Exempt (`Exempt` below), and nothing else:
- in the sign-in sweep, a refused sign-in's own records (a `login_attempts` row, a login_failed /
  login_throttled audit entry): throttling and the audit trail keep them by design;
- on export downloads, the "export" audit entry: an export leaves out a filter it cannot use, like the
  list it mirrors, so it succeeds, and every export is audited.
Signed in, /login answers with a redirect before reading its form; /logout is left out (signing out is
its whole point, not a refusal).
"""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import func, literal, select, union_all
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from werkzeug.routing import AnyConverter

from eduflow.extensions import db
from eduflow.models import Base
from eduflow.models.audit import AuditLog
from tests.fuzz.pages import TEXT_TYPES, page_forms
from tests.matrix import OK, PARENT
from tests.matrix import fresh_world  # noqa: F401 - the matrix's world, as the fixture `world`
from tests.test_route_matrix import ROUTES, sign_in_parent

pytestmark = pytest.mark.slow

FUZZED_ROLES = ("admin", "manager", PARENT)  # the office sees every form; a parent has forms of their own
BAD_IDS = (0, -1, 2**31, 2**63, 10**30)
NUL, LONG = "a\x00b", "长" * 10_000
HUGE = (str(2**31), str(10**30))
NOT_FINITE = ("NaN", "inf", "-inf", "1e999")
BAD_DATES = ("2026-02-30", "99999-01-01")
QUERY_VALUES = (NUL, LONG, *HUGE, "NaN", *BAD_DATES)
# Every value here is one the field must refuse; the one exception is a huge value in a single ticked
# checkbox, which reads as ticked and so changes nothing (a checkbox list of ids must refuse it).
BY_KIND = {
    "text": (NUL, LONG), "textarea": (NUL, LONG), "hidden": (NUL, LONG, *HUGE, "NaN"),
    "number": (*NOT_FINITE, *HUGE), "select": (NUL, *HUGE, "NaN"), "radio": (NUL, *HUGE), "checkbox": (NUL, *HUGE),
    "date": BAD_DATES, "datetime-local": ("2026-02-30T10:00", "99999-01-01T10:00"), "time": ("25:61",),
}
SKIPPED_ENDPOINTS = {"auth.logout", "parent.logout"}
# At least this many pages (GET) and forms (POST) are fuzzed per role: a matrix that lost its rows fails loudly.
AT_LEAST = {"admin": (40, 30), "manager": (40, 30), PARENT: (5, 2)}


@dataclass(frozen=True)
class Exempt:
    """What a request may write although the fuzz refuses it: whole tables, audit entries of some actions."""

    tables: tuple[str, ...] = ()
    audit_actions: tuple[str, ...] = ()


NOTHING = Exempt()
SIGN_IN = Exempt(tables=("login_attempts",), audit_actions=("login_failed", "login_throttled"))
EXPORT = Exempt(audit_actions=("export",))  # an export ignores filters it cannot use, and is audited by design


def _snapshot(exempt: Exempt) -> dict:
    """Rows per table, leaving out what `exempt` allows."""
    counts = []
    for table in Base.metadata.sorted_tables:
        if table.name in exempt.tables:
            continue
        query = select(literal(table.name).label("t"), func.count().label("n")).select_from(table)
        if table.name == AuditLog.__tablename__ and exempt.audit_actions:
            query = query.where(AuditLog.action.not_in(exempt.audit_actions))
        counts.append(query)
    rows = db.session.execute(union_all(*counts)).all()
    db.session.commit()
    return dict(rows)


class Probe:
    """Sends the fuzzed requests; notes every 5xx (or exception) and every batch that wrote something."""

    def __init__(self, client, role: str = "anonymous"):
        self.client, self.role = client, role
        self.failures, self.sent = [], 0
        self._counted = None  # (exempt, counts) the last check ended with, while nothing was sent since
        self._checking = False

    def send(self, label: str, method: str, url: str, data=None, partial: bool = False):
        headers = {"HX-Request": "true"} if partial else {}
        self.sent += 1
        if not self._checking:
            self._counted = None  # a request outside a check: the last counts may be stale
        try:  # buffered: a streamed export is read within its request, not when collected
            response = self.client.open(url, method=method, data=data, headers=headers, buffered=True)
        except Exception as error:  # TESTING propagates what would be a 500
            db.session.rollback()
            self.failures.append(f"{label}: {type(error).__name__}: {str(error)[:300]}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{label}: {response.status_code}")
        return response

    @contextlib.contextmanager
    def writes_nothing(self, label: str, exempt: Exempt = NOTHING):
        # One check's closing counts open the next one: half the counting (on PostgreSQL, 25 ms a count).
        before = self._counted[1] if self._counted and self._counted[0] == exempt else _snapshot(exempt)
        self._checking = True
        try:
            yield
        finally:
            self._checking = False
        after = _snapshot(exempt)
        self._counted = (exempt, after)
        changed = {t: (before.get(t), n) for t, n in after.items() if before.get(t) != n}
        if changed:
            self.failures.append(f"{label}: wrote {changed}")

    def report(self) -> str:
        return f"{len(self.failures)} of {self.sent} requests failed:\n" + "\n".join(self.failures)


def _rows_for(role: str, method: str, world) -> list:
    """One matrix row per URL shape (ids aside; partial or not) that `role` may use, skipping sign-out."""
    seen, rows = set(), []
    for route in ROUTES:
        key = (route.partial, re.sub(r"\d+", "#", route.url(world)))
        if route.method == method and route.expected(role) == OK and key not in seen \
                and route.endpoint not in SKIPPED_ENDPOINTS:
            seen.add(key)
            rows.append(route)
    return rows


@pytest.fixture
def probe(client, login_as, world, request):
    if request.param == PARENT:
        sign_in_parent(client, world["parent_login"])
    else:
        login_as(request.param)
    return Probe(client, request.param)


@pytest.mark.parametrize("probe", FUZZED_ROLES, indirect=True)
def test_ids_beyond_the_id_columns_and_bad_names_are_404_everywhere(app, probe, world):
    adapter = app.url_map.bind("localhost")
    done = set()
    for route in ROUTES:
        try:
            rule, args = adapter.match(urlsplit(route.url(world)).path, method=route.method, return_rule=True)
        except NotFound:
            continue  # a matrix row proving that a URL is not even a route
        endpoint = rule.endpoint
        if (endpoint, route.method) in done or endpoint in SKIPPED_ENDPOINTS:
            continue
        done.add((endpoint, route.method))
        # an `any(...)` argument matches only its own words, and a rule's defaults are not in its URL
        bad_args = [(name, bad) for name, value in args.items()
                    if name in rule._converters and not isinstance(rule._converters[name], AnyConverter)
                    for bad in (BAD_IDS if isinstance(value, int) else (NUL, LONG))]
        with probe.writes_nothing(route.id):
            for name, bad in bad_args:
                url = adapter.build(endpoint, {**args, name: bad}, method=route.method)
                response = probe.send(f"{route.id} {name}={str(bad)[:12]!r}", route.method, url, route.data,
                                      route.partial)
                if response is not None and response.status_code != 404:
                    probe.failures.append(f"{route.id} {name}={bad}: {response.status_code}, not 404")
    assert len(done) > 100
    assert not probe.failures, probe.report()


def _html(response) -> str:
    return response.get_data(as_text=True) if response.mimetype == "text/html" else ""


def _rendered_forms(probe: Probe, world) -> dict:
    """Every form on the pages the role can open: POST forms by the URL they post to, GET forms (filters)
    by the path they query."""
    forms = {}
    for route in _rows_for(probe.role, "GET", world):
        url = route.url(world)
        response = probe.send(route.id, "GET", url, partial=route.partial)
        if response is not None and response.status_code == 200:
            for form in page_forms(_html(response), url):
                action = form.action if form.method == "post" else urlsplit(form.action).path
                forms.setdefault((form.method, action), form)
    return forms


def _query_names(url: str, forms: dict) -> list[str]:
    """The query parameters a GET route takes: its matrix URL's, its filter forms' fields, and page / sort."""
    names = {pair.split("=")[0] for pair in urlsplit(url).query.split("&") if pair} | {"page", "sort"}
    form = forms.get(("get", urlsplit(url).path))
    return sorted(names | {f.name for f in form.fields} if form else names)


@pytest.mark.parametrize("probe", FUZZED_ROLES, indirect=True)
def test_list_and_page_parameters_out_of_range_never_fail(probe, world):
    forms, rows = _rendered_forms(probe, world), _rows_for(probe.role, "GET", world)
    for route in rows:
        url = route.url(world)
        names = _query_names(url, forms)
        with probe.writes_nothing(route.id, EXPORT if route.endpoint == "exports.download" else NOTHING):
            for bad in QUERY_VALUES:
                query = urlencode({name: bad for name in names})
                probe.send(f"{route.id} {names}={bad[:12]!r}", "GET", f"{urlsplit(url).path}?{query}",
                           partial=route.partial)
    assert len(rows) >= AT_LEAST[probe.role][0]
    assert not probe.failures, probe.report()


def _guessed_kind(value: str) -> str:
    """A field known only from the matrix row's data: blank or digits is a choice of id, else text."""
    return "select" if value == "" or value.isdigit() else "text"


def _mutations(fields: dict, kinds: dict):
    """(field, bad value) pairs: each field in turn, with values its kind of input must refuse."""
    for name in fields:
        if name == "csrf_token":
            continue
        kind = kinds.get(name) or _guessed_kind(fields[name])
        for bad in BY_KIND.get(kind, BY_KIND["text"] if kind in TEXT_TYPES else BY_KIND["select"]):
            yield name, bad


@pytest.mark.parametrize("probe", FUZZED_ROLES, indirect=True)
def test_forms_refuse_impossible_values_and_write_nothing(probe, world):
    rendered = _rendered_forms(probe, world)
    fuzzed = 0
    for route in _rows_for(probe.role, "POST", world):
        url = route.url(world)
        form = rendered.get(("post", url))
        fields = {**route.data, **(form.baseline() if form else {})}
        kinds = form.kinds() if form else {}
        if not any(name != "csrf_token" for name in fields):
            continue  # a button without fields: its ids are fuzzed above
        fuzzed += 1
        with probe.writes_nothing(route.id):
            for name, bad in _mutations(fields, kinds):
                data = MultiDict({**fields, name: bad})
                probe.send(f"{route.id} {name}={bad[:12]!r}", "POST", url, data, route.partial)
    assert fuzzed >= AT_LEAST[probe.role][1]
    assert not probe.failures, probe.report()


def test_sign_in_refuses_bad_input_and_records_only_the_attempt(client, users):
    probe = Probe(client)
    with probe.writes_nothing("auth.login", SIGN_IN):
        for name, bad in _mutations({"username": "sales", "password": "x", "remember": "y"},
                                    {"remember": "checkbox", "password": "password"}):
            probe.send(f"auth.login {name}={bad[:12]!r}", "POST", "/login",
                       {"username": "sales", "password": "x", name: bad})
        for bad in QUERY_VALUES:
            probe.send(f"auth.set_language locale={bad[:12]!r}", "POST", "/language", {"locale": bad})
            probe.send(f"auth.login next={bad[:12]!r}", "GET", "/login?" + urlencode({"next": bad}))
    assert not probe.failures, probe.report()
