"""Migration 0006 masks the personal data that import row messages already stored quote, as new ones are."""
from __future__ import annotations

import pytest

from eduflow.security.emails import mask_email
from eduflow.security.idcard import mask_id_card
from eduflow.security.phones import mask_phone
from tests.migration_modules import load_migration


@pytest.fixture(scope="module")
def migration():
    return load_migration("0006_report_attribution.py")


@pytest.mark.parametrize("stored, masked", [
    ("电话号码无效：13812345678", "电话号码无效：138****5678"),
    ("缺少姓名；电话号码无效：abc123；邮箱格式不正确：zhang.san@", "缺少姓名；电话号码无效：****c123；邮箱格式不正确：z***@"),
    ("身份证号码无效：110105194912310021；家长电话无效：1390000", "身份证号码无效：110105********0021；家长电话无效：****0000"),
    ("推荐学员「13900000099」不存在或有重名，请填写其电话", "推荐学员「139****0099」不存在或有重名，请填写其电话"),
    ("Invalid phone number: 13812345678；Invalid e-mail: wang", "Invalid phone number: 138****5678；Invalid e-mail: ***"),
    ("推荐学员「张三」不存在或有重名，请填写其电话；录入时间无法识别：2024-13-01", None),
    ("电话号码无效：138****5678", None),
])
def test_stored_messages_are_masked_like_new_ones(migration, stored, masked):
    assert migration._masked(stored) == (masked or stored)


@pytest.mark.parametrize("value", ["13812345678", "abc13812345678", "12345", "110105194912310021x"])
def test_the_frozen_masks_match_the_apps(migration, value):
    assert migration._phone(value) == mask_phone(value)
    assert migration._id_card(value) == mask_id_card(value)
    assert migration._email(value + "@qq.com") == mask_email(value + "@qq.com")


@pytest.mark.parametrize("email", ["wang@qq.com", "wang", "", None])
def test_the_templates_mask_e_mail_addresses_with_the_same_rule(app, email):
    rendered = app.jinja_env.from_string("{{ email|mask_email }}").render(email=email)
    assert rendered == mask_email(email)
