"""Search helpers: pinyin for Chinese names, so 张三 is found by `zhangsan` and `zs`."""
from __future__ import annotations

from pypinyin import lazy_pinyin


def pinyin_of(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials) of a name, lower case, without spaces or tones."""
    syllables = [s.lower() for s in lazy_pinyin(name, errors="ignore") if s.strip()]
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables if s)
    return full[:255], initials[:64]
