"""The one phone-acceptance rule: digits with spaces, dashes, parentheses and a leading +86; nothing stripped."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.domain import FieldError
from eduflow.leads.records import create_lead
from eduflow.models import Lead, SourceChannel
from eduflow.security.phones import parse_phone

TYPED_WITH_LETTERS = ["abc13812345678", "13812345678abc", "1381234567a8", "tel:13812345678", "13812345678 ext 12",
                      "138.1234.5678"]
TYPED_WITH_SEPARATORS = ["13812345678", "138 1234 5678", "138-1234-5678", "(138) 1234-5678", "+86 138 1234 5678",
                         "+86-138-1234-5678", "  13812345678  ", "010-62345678"]


@pytest.mark.parametrize("raw", TYPED_WITH_LETTERS)
def test_a_number_typed_with_letters_or_other_marks_is_refused(raw):
    assert parse_phone(raw) is None


@pytest.mark.parametrize("raw", TYPED_WITH_SEPARATORS)
def test_spaces_dashes_parentheses_and_plus86_stay_accepted(raw):
    assert parse_phone(raw) is not None


def test_a_lead_phone_typed_with_letters_gets_the_format_message_and_nothing_is_saved(users):
    source = db.session.scalar(select(SourceChannel).where(SourceChannel.name == "官网"))
    with pytest.raises(FieldError) as refused:
        create_lead({"name": "王小明", "phone": "abc13812345678", "source_id": source.id}, by=users["sales"])
    assert refused.value.field == "phone" and "请输入正确的手机号码" in str(refused.value)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Lead.id))) == 0
