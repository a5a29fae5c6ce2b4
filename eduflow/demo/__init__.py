"""A realistic, repeatable demo school for an empty database (`flask demo-data`).

Two Beijing campuses, ten staff accounts, courses and weekly classes with lessons from six weeks ago
to three weeks ahead, about 300 leads in every stage with their follow-ups, students with parents,
enrolments with payments, attendance and the lesson ledger, and the service records around them.
Faker (zh_CN) and `random.Random` are seeded, and dates are relative to the school's today, so the
same seed on the same day gives the same school. Everything is written in one transaction.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import (
    Attendance, Campus, ClassGroup, Course, Enrollment, FollowUp, Lead, LessonLedgerEntry, Lesson, Parent,
    ParentAccount, Payment, RenewalReminder, Review, SixSpeed, StatusChange, Student, TrialLesson, User,
)

DEMO_PASSWORD = "eduflow-demo-school"  # passes the password-strength rule like any other

COUNTED = {
    "campuses": Campus, "users": User, "courses": Course, "classes": ClassGroup, "lessons": Lesson,
    "leads": Lead, "follow_ups": FollowUp, "six_speed": SixSpeed, "trial_lessons": TrialLesson,
    "students": Student, "parents": Parent, "enrollments": Enrollment, "payments": Payment,
    "attendance": Attendance, "ledger_entries": LessonLedgerEntry, "status_changes": StatusChange,
    "reviews": Review, "renewal_reminders": RenewalReminder, "parent_accounts": ParentAccount,
}


def load_demo_data(seed: int = 2024, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Fill an empty database with the demo school and commit; return how many rows of each kind.

    `now` (naive UTC, default the current time) pins the clock, so a seed reproduces exactly.

    All or nothing: on any error the transaction is rolled back and the error re-raised. The audit
    trail is switched off while loading (thousands of synthetic rows are not user actions).
    """
    from eduflow.demo.context import DemoContext
    from eduflow.demo.finance import build_enrollments
    from eduflow.demo.org import build_org
    from eduflow.demo.parents import build_parent_accounts
    from eduflow.demo.people import build_existing_students
    from eduflow.demo.sales import build_leads
    from eduflow.demo.service import build_service
    from eduflow.demo.teaching import build_classes

    session = db.session
    marker = object()
    previous = session.info.get("audit_disabled", marker)
    session.info["audit_disabled"] = True
    try:
        if session.scalar(select(User.id).limit(1)) is not None:
            raise RuntimeError("demo data goes into an empty database, and this one already has users")
        ctx = DemoContext(seed, now)
        build_org(ctx, DEMO_PASSWORD)
        build_classes(ctx)
        build_existing_students(ctx)
        build_leads(ctx)
        seats = build_enrollments(ctx)
        build_service(ctx, seats)
        build_parent_accounts(ctx, seats, DEMO_PASSWORD)
        counts = {name: session.scalar(select(func.count()).select_from(model)) for name, model in COUNTED.items()}
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        if previous is marker:
            session.info.pop("audit_disabled", None)
        else:
            session.info["audit_disabled"] = previous
    return counts
