"""Sign-in throttling: growing delays per (account, address), a cap per address, the real wait in the message."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from eduflow.auth.throttle import delay_after, wait_before_next_attempt
from eduflow.extensions import db
from eduflow.models import AuditLog, LoginAttempt, utcnow
from tests.conftest import PASSWORD

TABLET, OFFICE, ELSEWHERE = "10.0.0.7", "10.0.0.8", "192.0.2.9"


def _login(client, username, password=PASSWORD, ip=TABLET):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def _fail(client, username="sales", times=5, ip=TABLET):
    for _ in range(times):
        assert _login(client, username, "wrong-password", ip).status_code != 302


def _age_attempts(seconds: int) -> None:
    """As if every recorded attempt had happened `seconds` earlier."""
    for attempt in db.session.scalars(select(LoginAttempt)):  # in Python: SQLite cannot subtract from a date
        attempt.attempted_at -= dt.timedelta(seconds=seconds)
    db.session.commit()


def _failures() -> int:
    return db.session.scalar(select(func.count(LoginAttempt.id)).where(LoginAttempt.succeeded.is_(False)))


def test_five_failures_make_that_address_wait_a_minute_even_with_the_right_password(client, users):
    _fail(client)
    response = _login(client, "sales")
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    assert "登录失败次数过多，请 1 分钟后再试" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_the_fifth_failure_already_says_how_long_to_wait(client, users):
    _fail(client, times=4)
    response = _login(client, "sales", "wrong-password")
    assert response.status_code == 429 and "请 1 分钟后再试" in response.get_data(as_text=True)


def test_failures_from_one_address_do_not_lock_the_account_from_another(client, users):
    _fail(client, ip=ELSEWHERE)
    assert _login(client, "sales", ip=ELSEWHERE).status_code == 429
    assert _login(client, "sales", ip=TABLET).status_code == 302, "a colleague's typos elsewhere lock nobody out"


def test_after_the_wait_the_right_password_signs_in_and_starts_the_count_again(client, users):
    _fail(client)
    _age_attempts(61)
    assert _login(client, "sales").status_code == 302
    client.post("/logout")
    _fail(client, times=4)
    assert _login(client, "sales").status_code == 302, "the failures before the success no longer count"


def test_each_further_failure_doubles_the_wait(client, users):
    _fail(client)
    _age_attempts(61)
    _fail(client, times=1)  # the sixth in a row
    response = _login(client, "sales")
    assert "请 2 分钟后再试" in response.get_data(as_text=True) and response.headers["Retry-After"] == "120"
    _age_attempts(121)
    _fail(client, times=1)
    assert "请 4 分钟后再试" in _login(client, "sales").get_data(as_text=True)


def test_the_message_tells_the_time_that_is_really_left(client, users):
    _fail(client, times=6)  # the sixth is refused: trying while waiting is not a failure
    assert _failures() == 5
    _age_attempts(61)
    _fail(client, times=1)
    _age_attempts(90)  # 30 of the 120 seconds are left
    response = _login(client, "sales")
    assert response.status_code == 429 and "请 1 分钟后再试" in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_delays_grow_from_one_minute_and_stop_at_the_cap(app):
    assert [delay_after(n).total_seconds() for n in (0, 4, 5, 6, 7)] == [0, 0, 60, 120, 240]
    assert delay_after(60) == dt.timedelta(seconds=app.config["LOGIN_MAX_DELAY_SECONDS"])


def test_failures_older_than_the_memory_are_forgotten(client, users, app):
    _fail(client, times=9)
    _age_attempts(app.config["LOGIN_FAILURE_MEMORY_HOURS"] * 3600 + 1)
    assert _login(client, "sales").status_code == 302


def test_username_case_does_not_get_around_the_count(client, users):
    _fail(client, "sales", times=3)
    _fail(client, "SALES", times=2)
    assert _login(client, "sales").status_code == 429


def test_many_accounts_failing_from_one_address_hit_the_address_cap(client, users, app):
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_IP"]):
        _login(client, f"guess{n}", "x", OFFICE)
    response = _login(client, "manager", ip=OFFICE)
    assert response.status_code == 429
    assert f"请 {app.config['LOGIN_IP_WINDOW_MINUTES']} 分钟后再试" in response.get_data(as_text=True)
    assert _login(client, "manager", ip=TABLET).status_code == 302, "other addresses are not capped"


def test_the_address_cap_lifts_as_its_oldest_failures_leave_the_window(client, users, app):
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_IP"]):
        _login(client, f"guess{n}", "x", OFFICE)
    _age_attempts(app.config["LOGIN_IP_WINDOW_MINUTES"] * 60 - 120)  # two minutes before they leave it
    assert "请 2 分钟后再试" in _login(client, "manager", ip=OFFICE).get_data(as_text=True)
    _age_attempts(121)
    assert _login(client, "manager", ip=OFFICE).status_code == 302


def test_throttling_is_counted_in_the_database_so_it_holds_for_every_server(app, users):
    for _ in range(5):
        _login(app.test_client(), "sales", "wrong-password")
    assert _failures() == 5
    assert wait_before_next_attempt("sales", TABLET) > dt.timedelta(0)
    assert _login(app.test_client(), "sales").status_code == 429


def test_refused_attempts_are_audited_but_not_counted(client, users):
    _fail(client)
    _login(client, "sales")
    assert _failures() == 5
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "login_throttled")) == 1


def test_the_wait_is_told_in_english_too(client, users):
    client.post("/language", data={"locale": "en"})
    _fail(client)
    assert "Please try again in 1 minute." in _login(client, "sales").get_data(as_text=True)
    _age_attempts(61)
    _fail(client, times=1)
    assert "Please try again in 2 minutes." in _login(client, "sales").get_data(as_text=True)


@pytest.mark.parametrize("seconds, minutes", [(1, 1), (60, 1), (61, 2), (899, 15)])
def test_the_wait_is_rounded_up_to_whole_minutes(seconds, minutes):
    from eduflow.auth.services import LoginResult

    assert LoginResult(wait=dt.timedelta(seconds=seconds)).wait_minutes == minutes


def test_a_wait_is_computed_from_now(app, users):
    now = utcnow().replace(microsecond=0)  # MariaDB keeps whole seconds
    for _ in range(5):
        db.session.add(LoginAttempt(username="sales", ip=TABLET, succeeded=False, attempted_at=now))
    db.session.flush()
    assert wait_before_next_attempt("sales", TABLET, now + dt.timedelta(seconds=20)) == dt.timedelta(seconds=40)
    assert wait_before_next_attempt("sales", TABLET, now + dt.timedelta(seconds=60)) == dt.timedelta(0)
    assert wait_before_next_attempt("sales", OFFICE, now) == dt.timedelta(0)
