"""Search helpers: pinyin for Chinese names, so 张三 is found by `zhangsan` and `zs`; name keys, so 王小明 is found
by 王, 小明 or 明 from an index."""
from __future__ import annotations

from pypinyin import lazy_pinyin
from sqlalchemy import and_


def pinyin_of(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials) of a name, lower case, without spaces or tones."""
    syllables = [s.lower() for s in lazy_pinyin(name, errors="ignore") if s.strip()]
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables if s)
    return full[:255], initials[:64]


NAME_KEY_LENGTH = 64


def name_keys(name: str) -> set[str]:
    """Every ending of the name, case-folded (王小明 → 王小明, 小明, 明): a text the name contains is the start of
    one of them, so "name contains q" becomes an index range over the keys (eduflow.models.LeadNameKey)."""
    folded = " ".join((name or "").split()).casefold()[:NAME_KEY_LENGTH]
    return {folded[start:] for start in range(len(folded)) if not folded[start].isspace()}


def key_range(column, q: str):
    """`column` starts with the case-folded `q`, as a range (the keys are compared code point by code point)."""
    key = " ".join(q.split()).casefold()[:NAME_KEY_LENGTH]
    return and_(column >= key, column < key[:-1] + chr(ord(key[-1]) + 1))
