"""Sentences the system writes into records are stored as a code and its parameters, and rendered in the reader's
language: ledger reasons (报名 HT-1, 赠送课时, 考勤：…), payment notes (退费审批 #11), the 导入 stage change, the job's
自动复学 reason.

Stored form: JSON `{"t": code, name: value, ...}`; a value is text or itself a stored form (an attendance status,
a makeup's 补课 …, 未分班). Rows written before codes existed, as a Chinese sentence (or an English one, by an
English writer), are recognised by their message's pattern and rendered the same way, so they need no migration;
anything else (what a person typed) is shown as typed.
"""
from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from babel.support import Translations
from flask_babel import gettext


def N_(message: str) -> str:
    """Marks a msgid for the catalogue; translated when rendered."""
    return message


SENTENCES = {  # code → msgid: what a record may hold on its own
    "enrol": N_("报名 %(no)s"),
    "gift": N_("赠送课时"),
    "renewal": N_("续费 %(no)s"),
    "renewal_gift": N_("续费赠送课时"),
    "void": N_("合同 %(no)s 作废"),
    "carry_out": N_("续费结转至合同 %(no)s"),
    "carry_in": N_("由合同 %(no)s 结转"),
    "refund": N_("退费：%(reason)s"),
    "transfer": N_("转班：%(source)s → %(target)s，剩余 %(n)s 课时随报名转入"),
    "attendance": N_("考勤：%(where)s %(status)s"),
    "correction": N_("考勤更正：%(where)s 改为%(status)s"),
    "import": N_("导入"),
    "refund_approval": N_("退费审批 #%(id)s"),
    "planned_return": N_("计划复学日期 %(date)s 已到，自动复学"),
    # an import row's problems (joined by ；) and a failed import's reason, as the importer's checks word them
    "import_no_name": N_("缺少姓名"),
    "import_long_name": N_("姓名太长"),
    "import_no_phone": N_("缺少电话"),
    "import_bad_phone": N_("电话号码无效：%(phone)s"),
    "import_bad_gender": N_("性别无法识别：%(value)s"),
    "import_bad_birth_date": N_("出生日期无法识别：%(value)s"),
    "import_bad_email": N_("邮箱格式不正确：%(value)s"),
    "import_bad_source": N_("未知的来源渠道：%(value)s"),
    "import_bad_created_at": N_("录入时间无法识别：%(value)s"),
    "import_bad_owner": N_("负责人「%(value)s」不是本校区在职的员工"),
    "import_too_long": N_("%(field)s 太长"),
    "import_bad_consult_date": N_("咨询日期无法识别：%(value)s"),
    "import_bad_level": N_("客户等级无法识别：%(value)s"),
    "import_bad_followup_at": N_("跟进时间无法识别：%(value)s"),
    "import_bad_course": N_("未知的课程：%(value)s"),
    "import_bad_stage": N_("跟进阶段无法识别：%(value)s"),
    "import_converted": N_("已转化的客户请以学员导入"),
    "import_lost_reason": N_("已流失的线索需要填写流失原因"),
    "import_no_referrer": N_("来源为转介绍时必须填写推荐学员"),
    "import_bad_referrer": N_("推荐学员「%(value)s」不存在或有重名，请填写其电话"),
    "import_bad_id_card": N_("身份证号码无效：%(value)s"),
    "import_long_address": N_("地址太长"),
    "import_bad_status": N_("学员状态无法识别：%(value)s"),
    "import_long_parent": N_("家长信息太长"),
    "import_bad_parent_phone": N_("家长电话无效：%(value)s"),
    "import_duplicate_phone": N_("与第 %(row)s 行的电话重复"),
    "import_failed": N_("导入失败，已撤销已导入的行。原因：%(reason)s"),
    "import_failed_partly": N_("导入失败，部分已导入的行未能撤销：%(problems)s。原因：%(reason)s"),
    "import_row": N_("第 %(row)s 行：%(reason)s"),
    "import_changed": N_("数据在导入期间被他人修改。"),
}
PARTS = {  # code → msgid: what only appears inside a sentence
    "makeup": N_("补课 %(where)s"),
    "unassigned": N_("未分班"),
    "present": N_("出勤"),
    "late": N_("迟到"),
    "leave": N_("请假"),
    "absent": N_("缺勤"),
    # a notification's variables (eduflow.notifications.family_events)
    "to_be_announced": N_("待定"),
    "lesson_moved": N_("改到 %(when)s，教室 %(room)s，老师 %(teacher)s"),
    "lesson_cancelled": N_("本节课已取消"),
}
MESSAGES = {**SENTENCES, **PARTS}
LIST_SEPARATOR = "；"  # how an import row's problems are joined (imports.rows.Outcome.message)
_CODED = re.compile(r'^\{"t": ?"')
_TRANSLATIONS = Path(__file__).parent / "translations"


def coded(code: str, **params) -> str:
    """The stored form of a system sentence (params: text, or another coded part)."""
    if code not in MESSAGES:
        raise ValueError(f"unknown system text {code!r}")
    return json.dumps({"t": code, **{k: _as_part(v) for k, v in params.items()}}, ensure_ascii=False)


def _as_part(value):
    if isinstance(value, str) and _CODED.match(value):
        return json.loads(value)
    return value if isinstance(value, dict) else str(value)


def encode(text: str | None) -> str:
    """A sentence the system wrote, in either language, as its stored form; any other text unchanged."""
    if not text or _CODED.match(text):
        return text or ""
    found = _recognise(text, SENTENCES)
    return json.dumps(found, ensure_ascii=False) if found else text


def render(stored: str | None) -> str:
    """What a record's system text says in the reader's language; a person's words as they are."""
    if not isinstance(stored, str) or not stored:
        return stored if stored is not None else ""
    if _CODED.match(stored):
        try:
            return _say(json.loads(stored))
        except (ValueError, KeyError, TypeError):
            return stored
    found = _recognise(stored, SENTENCES)
    if found:
        return _say(found)
    problems = [_recognise(part, SENTENCES) for part in stored.split(LIST_SEPARATOR)]
    if len(problems) > 1 and all(problems):  # an import row's list of problems
        return gettext("；").join(_say(problem) for problem in problems)
    return stored


def _say(part) -> str:
    if not isinstance(part, dict):
        return render(str(part))  # a sentence's parameter may itself be one (an import failure's reason)
    params = {key: _say(value) for key, value in part.items() if key != "t"}
    return gettext(MESSAGES[part["t"]], **params) if params else gettext(MESSAGES[part["t"]])


def _recognise(text: str, codes: dict) -> dict | None:
    """The code and parameters of a sentence written in Chinese or English, or None."""
    for code, pattern in _patterns(tuple(codes)):
        match = pattern.match(text)
        if match:
            params = {key: _recognise(value, PARTS) or value for key, value in match.groupdict().items()}
            return {"t": code, **params}
    return None


@cache
def _patterns(codes: tuple[str, ...]) -> list[tuple[str, re.Pattern]]:
    english = Translations.load(str(_TRANSLATIONS), ["en"], domain="messages")
    found = []
    for code in codes:
        for message in {MESSAGES[code], english.ugettext(MESSAGES[code])}:
            found.append((code, _pattern(message)))
    return found


def _pattern(message: str) -> re.Pattern:
    """`考勤：%(where)s %(status)s` → a regex with a named group per parameter (greedy, so the last word is the last)."""
    pieces = re.split(r"%\((\w+)\)s", message)
    regex = "".join(re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+)" for i, piece in enumerate(pieces))
    return re.compile(f"^{regex}$", re.S)


def init_app(app) -> None:
    """`{{ entry.reason|system_text }}` in templates (plain text: autoescaped like any other value)."""
    app.jinja_env.filters["system_text"] = render
