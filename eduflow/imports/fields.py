"""The columns an import understands, how a header is recognised, and how a cell becomes a value."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from eduflow.models import Gender, ImportKind


@dataclass(frozen=True)
class Field:
    key: str
    label: object
    required: bool = False
    aliases: tuple[str, ...] = ()

    def matches(self, header: str) -> bool:
        wanted = _squash(header)
        return wanted in {_squash(str(self.label)), _squash(self.key), *(_squash(a) for a in self.aliases)}


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-:：()（）*]", "", text).lower()


LEAD_FIELDS = (
    Field("name", _l("姓名"), True, ("学员姓名", "客户姓名", "孩子姓名", "名字", "name")),
    Field("phone", _l("电话"), True, ("手机", "手机号", "手机号码", "联系电话", "电话号码", "phone", "mobile")),
    Field("contact_name", _l("联系人"), aliases=("家长", "家长姓名", "联系人姓名", "contact")),
    Field("contact_relation", _l("联系人关系"), aliases=("关系", "与孩子关系", "relation")),
    Field("gender", _l("性别"), aliases=("gender", "sex")),
    Field("birth_date", _l("出生日期"), aliases=("生日", "出生年月", "birthday", "birthdate")),
    Field("wechat_id", _l("微信号"), aliases=("微信", "wechat")),
    Field("email", _l("邮箱"), aliases=("电子邮箱", "email", "e-mail")),
    Field("source", _l("来源渠道"), aliases=("来源", "渠道", "source")),
    Field("referrer", _l("推荐学员"), aliases=("推荐人", "介绍人", "referrer")),
    Field("courses", _l("意向课程"), aliases=("课程", "意向", "courses", "course")),
    Field("owner", _l("负责人"), aliases=("课程顾问", "顾问", "销售", "跟进人", "owner")),
    Field("stage", _l("跟进阶段"), aliases=("阶段", "状态", "跟进状态", "stage")),
    Field("lost_reason", _l("流失原因"), aliases=("lost reason",)),
    Field("level", _l("客户等级"), aliases=("等级", "level")),
    Field("consult_date", _l("咨询日期"), aliases=("咨询时间", "consult date")),
    Field("last_followup_at", _l("最近跟进时间"), aliases=("最后跟进时间", "上次跟进", "last follow-up")),
    Field("next_followup_at", _l("下次跟进时间"), aliases=("下次跟进", "next follow-up")),
    Field("created_at", _l("录入时间"), aliases=("创建时间", "登记时间", "created")),
    Field("notes", _l("备注"), aliases=("说明", "notes", "remark")),
)

STUDENT_FIELDS = (
    Field("name", _l("姓名"), True, ("学员姓名", "学生姓名", "名字", "name")),
    Field("phone", _l("电话"), True, ("手机", "手机号", "手机号码", "联系电话", "电话号码", "phone", "mobile")),
    Field("gender", _l("性别"), aliases=("gender", "sex")),
    Field("birth_date", _l("出生日期"), aliases=("生日", "出生年月", "birthday", "birthdate")),
    Field("email", _l("邮箱"), aliases=("电子邮箱", "email", "e-mail")),
    Field("id_card", _l("身份证号"), aliases=("身份证", "身份证号码", "id card")),
    Field("address", _l("地址"), aliases=("住址", "家庭住址", "address")),
    Field("source", _l("来源渠道"), aliases=("来源", "渠道", "source")),
    Field("status", _l("学员状态"), aliases=("状态", "status")),
    Field("owner", _l("负责人"), aliases=("课程顾问", "顾问", "销售", "owner")),
    Field("parent_name", _l("家长姓名"), aliases=("家长", "联系人", "parent")),
    Field("parent_relation", _l("家长关系"), aliases=("关系", "与学员关系", "relation")),
    Field("parent_phone", _l("家长电话"), aliases=("家长手机", "parent phone")),
    Field("created_at", _l("录入时间"), aliases=("创建时间", "报名时间", "created")),
    Field("notes", _l("备注"), aliases=("说明", "notes", "remark")),
)


def fields_for(kind: ImportKind) -> tuple[Field, ...]:
    return LEAD_FIELDS if kind == ImportKind.LEADS else STUDENT_FIELDS


def guess_mapping(kind: ImportKind, headers: list[str], remembered: dict[str, str] | None = None) -> dict[str, int]:
    """Each field's column: the header the user chose last time if the file has it, else a recognised name."""
    mapping: dict[str, int] = {}
    for field in fields_for(kind):
        name = (remembered or {}).get(field.key)
        if name in headers:
            mapping[field.key] = headers.index(name)
            continue
        found = next((i for i, h in enumerate(headers) if field.matches(h) and i not in mapping.values()), None)
        if found is not None:
            mapping[field.key] = found
    return mapping


# ---------- cells to values (None: the cell cannot be read) ----------

DATE_PATTERNS = (r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", r"(\d{4})(\d{2})(\d{2})")
TIME_PATTERN = r"[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?"


def parse_date(text: str) -> dt.date | None:
    for pattern in DATE_PATTERNS:
        match = re.fullmatch(pattern + f"(?:{TIME_PATTERN})?", text.strip())
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()[:3]))
            except ValueError:
                return None
    return None


def parse_datetime(text: str) -> dt.datetime | None:
    """A date, optionally with a time (school-local wall clock, as people type it)."""
    for pattern in DATE_PATTERNS:
        match = re.fullmatch(pattern + f"(?:{TIME_PATTERN})?", text.strip())
        if match:
            parts = [int(g) if g else 0 for g in match.groups()]
            try:
                return dt.datetime(*parts[:6])
            except ValueError:
                return None
    return None


GENDERS = {"男": Gender.MALE, "male": Gender.MALE, "m": Gender.MALE, "男孩": Gender.MALE,
           "女": Gender.FEMALE, "female": Gender.FEMALE, "f": Gender.FEMALE, "女孩": Gender.FEMALE,
           "未知": Gender.UNKNOWN, "unknown": Gender.UNKNOWN}


def parse_gender(text: str) -> Gender | None:
    return GENDERS.get(text.strip().lower())


def parse_choice(enum_cls, text: str):
    """An enum member named by its value, its Chinese label or its label in the current language."""
    wanted = text.strip().lower()
    for member in enum_cls:
        msgid = getattr(member._label, "_args", (None,))[0]
        if wanted in {member.value, str(msgid).lower(), member.label.lower()}:
            return member
    return None


def split_names(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,，、;；/|]", text) if part.strip()]
