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
}
PARTS = {  # code → msgid: what only appears inside a sentence
    "makeup": N_("补课 %(where)s"),
    "unassigned": N_("未分班"),
    "present": N_("出勤"),
    "late": N_("迟到"),
    "leave": N_("请假"),
    "absent": N_("缺勤"),
}
MESSAGES = {**SENTENCES, **PARTS}
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
    return _say(found) if found else stored


def _say(part) -> str:
    if not isinstance(part, dict):
        return str(part)
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
