"""E-mail addresses shown to someone who may not read them in full (and quoted in stored messages)."""
from __future__ import annotations


def mask_email(raw: str | None) -> str:
    """w***@example.com; an address without @ is *** (nothing of it shown); nothing for none."""
    if not raw:
        return ""
    local, at, domain = raw.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else "***"
