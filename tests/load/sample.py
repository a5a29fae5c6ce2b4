"""Write the load test's accounts and ids (from the bench-data sample) as JSON: `python tests/load/sample.py out.json`."""
from __future__ import annotations

import json
import sys

from sqlalchemy import select

from eduflow import create_app


def main() -> None:
    from eduflow.attendance.roster import roster
    from eduflow.benchdata import BENCH_PASSWORD, sample
    from eduflow.extensions import db
    from eduflow.leads.stages import OPEN_STAGES
    from eduflow.models import Lead, Lesson, Role, User

    with create_app().app_context():
        facts = sample()
        sales = db.session.execute(select(User.id, User.username).where(
            User.campus_id == facts.campus_id, User.role == Role.SALES, User.is_active.is_(True))).all()
        movable = {}
        for user_id, username in sales:
            movable[username] = db.session.scalars(select(Lead.id).where(
                Lead.owner_id == user_id, Lead.deleted_at.is_(None), Lead.stage.in_(OPEN_STAGES))
                .order_by(Lead.id).limit(50)).all()
        sheets = []
        for lesson_id in facts.sheet_lesson_ids:
            lesson = db.session.get(Lesson, lesson_id)
            students = [row.student.id for row in roster(lesson) if row.enrollment_id and not (row.former or row.suspended)]
            sheets.append([facts.teacher, lesson_id, students])
        data = {"password": BENCH_PASSWORD, "manager": facts.manager, "sales_accounts": [u for _i, u in sales],
                "movable_lead_ids_by_sales": movable, "sheet_lessons": sheets}
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(data, out)


if __name__ == "__main__":
    main()
