"""After a load run: is the data still consistent?  (tests/load/run.sh runs this; not a pytest file.)

Prints and exits non-zero when: an attendance mark's ledger rows do not net to what the mark should
have taken; an enrolment's bought or gift pool is negative beyond what the ledger explains (the
balance is the ledger's sum by definition, so the check is that every mark is paid exactly once);
a rollup differs from its raw rows; a lead's stage is not the last stage its history records; or
fewer card moves and follow-ups were recorded than the server accepted (or more than were sent:
a request cut off when the run stopped may still have been written).

    python tests/load/check.py <sample.json> <load-log.json> <started-at ISO datetime>
"""
from __future__ import annotations

import datetime as dt
import json
import sys

from sqlalchemy import func, select

from eduflow import create_app


def problems(sample: dict, accepted: dict, started: dt.datetime) -> list[str]:
    from eduflow.attendance.settlement import implied_effect
    from eduflow.extensions import db
    from eduflow.models import Attendance, FollowUp, Lead, LeadStageChange, LessonLedgerEntry, Lesson, User
    from eduflow.rollups import differences_all

    found = []
    touched = db.session.scalars(select(Attendance).join(Lesson).where(Lesson.id.in_(
        [lesson for _teacher, lesson, _students in sample["sheet_lessons"]]))).all()
    for attendance in touched:
        booked = db.session.scalar(select(func.coalesce(func.sum(LessonLedgerEntry.units), 0)).where(
            LessonLedgerEntry.attendance_id == attendance.id))
        if booked != implied_effect(attendance):
            found.append(f"attendance {attendance.id} ({attendance.status}): ledger {booked}, "
                         f"should be {implied_effect(attendance)}")
    found += differences_all()
    last = (select(LeadStageChange.lead_id, func.max(LeadStageChange.id).label("last_id"))
            .group_by(LeadStageChange.lead_id).subquery())
    drifted = db.session.scalar(select(func.count()).select_from(Lead).join(last, last.c.lead_id == Lead.id)
                                .join(LeadStageChange, LeadStageChange.id == last.c.last_id)
                                .where(LeadStageChange.to_stage != Lead.stage))
    if drifted:
        found.append(f"{drifted} leads whose stage is not the last one their history records")
    sales = select(User.id).where(User.username.in_(sample["sales_accounts"]))
    moves = db.session.scalar(select(func.count()).select_from(LeadStageChange).where(
        LeadStageChange.changed_at >= started, LeadStageChange.changed_by_id.in_(sales)))
    follow_ups = db.session.scalar(select(func.count()).select_from(FollowUp).where(
        FollowUp.followed_at >= started, FollowUp.user_id.in_(sales)))
    done, sent = accepted["accepted"], accepted["attempted"]
    # A lead's first follow-up also moves a 新咨询 lead to 首次沟通: a stage change the follow-up wrote.
    bounds = {"moves": (done["moves"], sent["moves"] + sent["follow_ups"]),
              "follow_ups": (done["follow_ups"], sent["follow_ups"])}
    for kind, recorded in (("moves", moves), ("follow_ups", follow_ups)):
        low, high = bounds[kind]
        if not low <= recorded <= high:
            found.append(f"{kind}: {done[kind]} accepted, {sent[kind]} sent, but {recorded} recorded")
    return found


def main() -> int:
    sample = json.load(open(sys.argv[1], encoding="utf-8"))
    accepted = json.load(open(sys.argv[2], encoding="utf-8"))
    started = dt.datetime.fromisoformat(sys.argv[3])
    with create_app().app_context():
        found = problems(sample, accepted, started)
    for line in found[:50]:
        print(line)
    print(f"{accepted}; {'CONSISTENT' if not found else f'{len(found)} problems'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
