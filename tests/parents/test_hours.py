"""课时明细 (the ledger line by line) for a parent: the lines, their balance after, and the enrolment's balance."""
from __future__ import annotations

import pytest
from flask_login import login_user

from eduflow.enrollments.ledger import balance
from eduflow.extensions import db
from eduflow.models import LedgerKind, utcnow
from eduflow.parents.money import hours_overview, ledger_lines
from tests.parents.money_support import mixed_ledger, refund


@pytest.fixture
def as_parent(app, family):
    """A request signed in as the family's account (the ledger view reads through the parent's scope)."""
    with app.test_request_context("/p/hours"):
        login_user(family.account)
        yield family


def _summary(lines):
    return [(line.kind.value if line.kind else "mark", line.status.value if line.status else None, line.units,
             line.made_up, line.balance) for line in lines]


def test_the_ledger_view_shows_every_change_and_ends_at_the_balance(as_parent, users):
    mixed = mixed_ledger(as_parent.first, users)
    lines = ledger_lines(mixed.enrollment)
    assert _summary(lines) == [
        ("purchase", None, 10, False, 10), ("gift", None, 2, False, 12),
        ("attendance", "present", -1, False, 11),
        ("attendance", "present", -1, False, 10), ("correction", "leave", 1, False, 11),
        ("mark", "leave", 0, False, 11),  # 请假 takes nothing, and still shows
        ("attendance", "present", -1, True, 10),  # the makeup of that leave: 补课
    ]
    assert lines[-1].balance == balance(mixed.enrollment.id) == 10
    assert lines[2].marked_by.id == users["academic"].id and lines[2].lesson.teacher.id == users["teacher"].id
    assert lines[-1].marked_by.id == users["teacher"].id and lines[-1].lesson.class_group.name == "英语二班"


def test_a_refund_takes_both_pools_off_in_one_line_and_the_view_still_equals_the_balance(as_parent, users):
    mixed = mixed_ledger(as_parent.first, users)
    refund(mixed.enrollment, users)
    last = ledger_lines(mixed.enrollment)[-1]
    assert (last.kind, last.units, last.bought, last.gift, last.split) == (LedgerKind.REFUND, -10, -8, -2, True)
    assert last.balance == balance(mixed.enrollment.id) == 0


def test_hours_overview_lists_active_enrolments_first_with_their_balance(as_parent, users):
    mixed = mixed_ledger(as_parent.first, users)
    later = mixed_ledger(as_parent.first, users, course_name="少儿数学")
    refund(later.enrollment, users)
    first, second = hours_overview()[0], hours_overview()[1]
    assert first.student.id == as_parent.second.id or second.student.id == as_parent.second.id
    mine = next(child for child in (first, second) if child.student.id == as_parent.first.id)
    assert [(h.enrollment.id, h.remaining) for h in mine.enrollments] == [(mixed.enrollment.id, 10),
                                                                           (later.enrollment.id, 0)]


def test_the_hours_pages_show_the_lines_and_the_balance(client, family, users, parent_login):
    mixed = mixed_ledger(family.first, users)
    parent_login()
    overview = client.get("/p/hours").get_data(as_text=True)
    assert f'href="/p/hours/{mixed.enrollment.id}"' in overview and "10 课时" in overview
    page = client.get(f"/p/hours/{mixed.enrollment.id}").get_data(as_text=True)
    assert page.count('data-testid="ledger-line"') == 7
    assert '<strong class="fs-4 " data-testid="ledger-balance">10</strong>' in page
    for word in ("购买", "赠送", "出勤", "请假", "补课", "更正", "不扣课时", "报名 ", "余 10", "老师：Teacher",
                 "记录人：Academic"):
        assert word in page, word
    assert "<table" not in page  # a phone reads a list of lines


def test_the_hours_pages_speak_english(client, family, users, parent_login):
    mixed = mixed_ledger(family.first, users)
    client.post("/language", data={"locale": "en"})
    parent_login()
    page = client.get(f"/p/hours/{mixed.enrollment.id}").get_data(as_text=True)
    for words in ("Lesson history", "Makeup", "Present", "On leave", "Purchase", "Bonus", "Balance: 10", "Recorded by: Academic"):
        assert words in page, words


def test_another_familys_enrolment_answers_404(client, family, users, parent_login):
    mixed = mixed_ledger(family.other, users)
    parent_login()
    assert client.get(f"/p/hours/{mixed.enrollment.id}").status_code == 404
    assert client.get("/p/hours/999999").status_code == 404
    assert f"/p/hours/{mixed.enrollment.id}" not in client.get("/p/hours").get_data(as_text=True)


def test_a_revoked_link_hides_the_child(client, family, users, parent_login):
    mixed = mixed_ledger(family.first, users)
    family.first.parents[0].portal_revoked_at = utcnow()
    db.session.commit()
    parent_login()
    assert client.get(f"/p/hours/{mixed.enrollment.id}").status_code == 404
