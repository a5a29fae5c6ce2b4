"""Follow-ups update the lead's last and next follow-up times."""
import datetime as dt

import pytest

from eduflow.domain import DomainError
from eduflow.leads.followups import add_lead_follow_up
from eduflow.models import FollowUpMethod, LeadStage


def test_follow_up_sets_last_and_next_times_and_moves_new_to_contacted(make_lead, users):
    lead = make_lead()
    when = dt.datetime(2026, 11, 20, 2, 0)
    later = when + dt.timedelta(days=3)
    add_lead_follow_up(lead, by=users["sales"], method=FollowUpMethod.PHONE, content="介绍了课程",
                       next_followup_at=later, followed_at=when)
    assert lead.last_followup_at == when and lead.next_followup_at == later
    assert lead.stage == LeadStage.CONTACTED


def test_an_older_follow_up_does_not_move_the_times_back(make_lead, users):
    lead = make_lead(last_followup_at=dt.datetime(2026, 11, 21), next_followup_at=dt.datetime(2026, 11, 25))
    add_lead_follow_up(lead, by=users["sales"], method=FollowUpMethod.WECHAT, content="补录",
                       followed_at=dt.datetime(2026, 11, 1))
    assert lead.next_followup_at == dt.datetime(2026, 11, 25)


def test_empty_content_or_next_time_in_the_past_is_refused(make_lead, users):
    lead = make_lead()
    with pytest.raises(DomainError):
        add_lead_follow_up(lead, by=users["sales"], method=FollowUpMethod.PHONE, content=" ")
    with pytest.raises(DomainError):
        add_lead_follow_up(lead, by=users["sales"], method=FollowUpMethod.PHONE, content="x",
                           followed_at=dt.datetime(2026, 11, 20), next_followup_at=dt.datetime(2026, 11, 19))
