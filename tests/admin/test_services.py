"""Admin rules tested without HTTP: reference saves, settings overrides."""
from __future__ import annotations

import pytest

from eduflow.admin.services import (
    UserError, campus_settings, save_campus_settings, save_reference, use_default_settings,
)
from eduflow.extensions import db
from eduflow.models import Course, Tag, TagKind
from tests import factories


def test_a_name_taken_behind_the_forms_back_becomes_a_user_error(campuses):
    factories.make_course("钢琴")
    db.session.commit()
    with pytest.raises(UserError, match="已存在"):
        save_reference(Course(), name="钢琴", total_lessons=1)  # a new course, as the admin's form makes it
    db.session.rollback()


def test_a_system_tags_kind_and_code_cannot_be_saved(campuses):
    tag = db.session.query(Tag).filter_by(system_code="high_value").one()
    with pytest.raises(ValueError):
        save_reference(tag, name="大客户", kind=TagKind.MANUAL)
    db.session.rollback()
    assert (tag.kind, tag.system_code) == (TagKind.SYSTEM, "high_value")


def test_use_defaults_without_an_override_changes_nothing(campuses):
    assert use_default_settings(campuses[0]) is False


def test_a_campus_override_keeps_deducting_statuses_in_a_stable_order(campuses):
    saved = save_campus_settings(campuses[0], dormant_days=60, deducting=["absent", "present"])
    assert saved.deducting_statuses == "present,absent"
    assert campus_settings(campuses[0]) is saved and campus_settings(campuses[1]) is None
