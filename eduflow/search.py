"""Search helpers: pinyin for Chinese names, so 张三 is found by `zhangsan` and `zs`; name keys, so 王小明 is found
by 王, 小明 or 明, 曾奕辰 by zengyichen, zyc or yichen, from an index; and the one search clause that leads and
students both answer (`person_search`)."""
from __future__ import annotations

import itertools
import re

from pypinyin import Style, lazy_pinyin, pinyin
from sqlalchemy import Select, and_, select, union_all

from eduflow.security.crypto import blind_index
from eduflow.security.phones import normalise_phone, parse_phone


def pinyin_of(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials) of a name, lower case, without spaces or tones."""
    syllables = [s.lower() for s in lazy_pinyin(name, errors="ignore") if s.strip()]
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables if s)
    return full[:255], initials[:64]


NAME_KEY_LENGTH = 64
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# pypinyin knows every reading of a character (曾: ceng, zeng) but not which characters make one surname: the
# common 复姓, so that 欧阳娜娜's given name is 娜娜.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 轩辕 独孤 南宫 西门 百里 呼延 万俟 "
    "单于 澹台 公羊 太史 申屠 钟离 闻人 赫连 濮阳 淳于 司空 拓跋 纳兰 左丘 东郭 仲孙 慕容 上官".split())


def name_keys(name: str) -> set[str]:
    """Every key a search for the name reads (eduflow.models.LeadNameKey): every ending of the name, case-folded
    (王小明 → 王小明, 小明, 明: a text the name contains is the start of one of them, so "name contains q" is an
    index range over the keys), and every pinyin of it (`pinyin_keys`), which no Chinese text starts with."""
    folded = " ".join((name or "").split()).casefold()[:NAME_KEY_LENGTH]
    endings = {folded[start:] for start in range(len(folded)) if not folded[start].isspace()}
    return endings | pinyin_keys(name)


def _syllables(text: str) -> list[str]:
    return [s.lower() for s in lazy_pinyin(text, errors="ignore") if s.strip()]


def _spelled(syllables: list[str]) -> set[str]:
    """A name's whole pinyin and its initials."""
    if not syllables:
        return set()
    return {"".join(syllables)[:NAME_KEY_LENGTH], "".join(s[0] for s in syllables)[:NAME_KEY_LENGTH]}


def pinyin_keys(name: str) -> set[str]:
    """The pinyin a person may type for the name, whole and as initials: its common reading (曾奕辰 cengyichen,
    cyc), the surname read every way pypinyin knows the character (zengyichen, zyc: 曾, 单, 解, 仇, 区, 朴, 查, 盖
    are read differently as surnames), and the given name alone (yichen; 欧阳娜娜 nana)."""
    compact = "".join((name or "").split())
    keys = _spelled(_syllables(compact))
    if not compact or not HAN.match(compact[0]):
        return keys
    surnames = [compact[0]] + ([compact[:2]] if compact[:2] in COMPOUND_SURNAMES else [])
    for surname in surnames:
        given = _syllables(compact[len(surname):])
        for reading in itertools.product(*pinyin(surname, style=Style.NORMAL, heteronym=True, errors="ignore")):
            keys |= _spelled([syllable.lower() for syllable in reading] + given)
        if given:
            keys.add("".join(given)[:NAME_KEY_LENGTH])
    return keys


def key_range(column, q: str):
    """`column` starts with the case-folded `q`, as a range (the keys are compared code point by code point)."""
    key = " ".join(q.split()).casefold()[:NAME_KEY_LENGTH]
    return and_(column >= key, column < key[:-1] + chr(ord(key[-1]) + 1))


def starts_with(column, letters: str):
    """`column` begins with `letters` (a-z; pinyin columns hold nothing else), as an index range.

    Not LIKE: SQLite's LIKE ignores case, so it cannot use a case-sensitive index, and PostgreSQL's LIKE
    uses a B-tree only under the C collation. `>= 'wang' AND < 'wanh'` is the same set of a-z strings
    under any collation, and every database answers it from the index."""
    stem = letters.rstrip("z")
    if not stem:
        return column >= letters
    return and_(column >= letters, column < stem[:-1] + chr(ord(stem[-1]) + 1))


def phone_clause(model, q: str):
    """Four digits match the last four of the phone, a whole number its keyed hash; None if q is no phone."""
    if re.fullmatch(r"\d{4}", q):
        return model.phone_last4 == q
    if re.fullmatch(r"[\d\s+-]{7,}", q) and parse_phone(q) is not None:
        return model.phone_hash == blind_index(normalise_phone(q))
    return None


def person_search(model, q: str, name_part: Select, live=()):
    """For a model with a pinyin name and a phone (a lead, a student): 张三 by 张三, zhangsan, zs or any part of the
    name; a phone by its last four digits or in full. `name_part` selects the ids whose name contains q (the
    lead's name keys, an index range; a student's name); `live` narrows the pinyin ranges alike.
    Letters read one set of ids from three ranges: an OR of them would make the databases test every row."""
    q = (q or "").strip()
    if not q:
        return None
    by_phone = phone_clause(model, q)
    if by_phone is not None:
        return by_phone
    if not re.fullmatch(r"[A-Za-z\s]+", q):
        return model.id.in_(name_part)
    letters = re.sub(r"\s", "", q).lower()
    return model.id.in_(union_all(select(model.id).where(starts_with(model.name_pinyin, letters), *live),
                                  select(model.id).where(starts_with(model.name_initials, letters), *live),
                                  name_part))
