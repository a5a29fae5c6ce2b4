"""Several deciders approving one refund at the same moment: it is applied once, the others are told it was decided.

Run it on every database: EDUFLOW_TEST_DATABASE_URL=postgresql+psycopg://… or mysql+pymysql://… (see tests/conftest.py).
"""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from eduflow.enrollments.ledger import balance
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.models import ApprovalStatus, LedgerKind, LessonLedgerEntry, Payment, StatusChange, StatusChangeKind, User
from eduflow.students.status_changes import StatusRequest, decide, request_change

DECIDERS = 4


def _decider(app, change_id: int, user_id: int, start: threading.Barrier, outcomes: list) -> None:
    with app.app_context():
        try:
            change, by = db.session.get(StatusChange, change_id), db.session.get(User, user_id)
            start.wait()
            decide(change, by=by, approve=True)
            db.session.commit()
            outcomes.append("applied")
        except DomainError:
            db.session.rollback()
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - reported by the test
            db.session.rollback()
            outcomes.append(exc)
        finally:
            db.session.remove()


def test_a_refund_approved_by_several_deciders_at_once_is_applied_once(app, users, enrolled):
    student, _group, enrollment = enrolled
    change = request_change(student, StatusRequest(kind=StatusChangeKind.REFUND, reason="搬家",
                                                   enrollment_id=enrollment.id), by=users["sales"])
    db.session.commit()
    start, outcomes = threading.Barrier(DECIDERS), []
    deciders = [users["manager" if n % 2 else "admin"].id for n in range(DECIDERS)]
    threads = [threading.Thread(target=_decider, args=(app, change.id, user_id, start, outcomes))
               for user_id in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, outcomes)) == ["applied"] + ["refused"] * (DECIDERS - 1), outcomes
    db.session.expire_all()
    assert db.session.get(StatusChange, change.id).approval_status == ApprovalStatus.APPROVED
    assert db.session.scalar(select(func.count(Payment.id)).where(Payment.is_refund.is_(True))) == 1
    assert db.session.scalar(select(func.count(LessonLedgerEntry.id)).where(
        LessonLedgerEntry.kind == LedgerKind.REFUND)) == 1
    assert balance(enrollment.id) == 0
