"""The timeline merges every kind of lead event newest first and pages backwards."""
import datetime as dt

from eduflow.extensions import db
from eduflow.leads.followups import add_lead_follow_up
from eduflow.leads.pool import release
from eduflow.leads.sixspeed import update_six_speed
from eduflow.leads.stages import change_stage
from eduflow.leads.timeline import lead_timeline
from eduflow.models import FollowUpMethod, LeadStage


def test_timeline_merges_kinds_newest_first(make_lead, users):
    lead = make_lead()
    add_lead_follow_up(lead, by=users["sales"], method=FollowUpMethod.PHONE, content="第一次电话",
                       followed_at=dt.datetime(2026, 11, 1))
    db.session.commit()
    change_stage(lead, LeadStage.INTENT, by=users["sales"])
    update_six_speed(lead, {"distance": "3公里"}, by=users["sales"])
    release(lead, by=users["sales"], reason="转给同事")
    db.session.commit()
    items, cursor = lead_timeline(lead.id)
    kinds = [item.kind for item in items]
    assert set(kinds) == {"follow_up", "stage", "six_speed", "pool"}
    assert kinds[-1] == "follow_up", "the follow-up dated 1 November is the oldest"
    assert [i.at for i in items] == sorted((i.at for i in items), reverse=True)
    assert cursor is None


def test_older_entries_come_a_page_at_a_time(make_lead, users):
    lead = make_lead()
    for day in range(1, 8):
        add_lead_follow_up(lead, by=users["sales"], method=FollowUpMethod.WECHAT, content=f"第{day}天",
                           followed_at=dt.datetime(2026, 10, day))
    db.session.commit()
    first, cursor = lead_timeline(lead.id, limit=3)
    second, cursor2 = lead_timeline(lead.id, before=cursor, limit=3)
    rest, end = lead_timeline(lead.id, before=cursor2, limit=3)
    seen = [i.key for i in first + second + rest]
    assert len(seen) == len(set(seen)) == 8  # seven follow-ups plus the automatic 新咨询 → 首次沟通 change
    assert end is None


def test_entries_sharing_one_moment_are_never_skipped_at_a_page_break(make_lead, users):
    """A six-speed save logs several fields with one timestamp; the cursor is (time, kind, id), not time alone."""
    lead = make_lead()
    update_six_speed(lead, {"distance": "3公里", "purchase_power": "高", "preferred_class_time": "周末",
                            "communication_notes": "妈妈决策", "chasing_mark": "本周"}, by=users["sales"])
    db.session.commit()
    seen, cursor = [], None
    for _ in range(10):
        page, cursor = lead_timeline(lead.id, before=cursor, limit=2)
        seen += [i.key for i in page]
        if cursor is None:
            break
    six_speed = [key for key in seen if key.startswith("six_speed-")]
    assert len(six_speed) == 5 and len(seen) == len(set(seen))
