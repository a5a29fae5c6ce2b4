"""E-mail addresses: the one acceptance rule (forms and the importer), and masking for someone who may not read
them in full (and quoted in stored messages)."""
from __future__ import annotations

import re

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
EMAIL_MAX = 254


def is_email(raw: str | None) -> bool:
    """Something@somewhere.tld, without spaces, of at most 254 characters."""
    return bool(raw) and len(raw) <= EMAIL_MAX and re.fullmatch(EMAIL_PATTERN, raw) is not None


def mask_email(raw: str | None) -> str:
    """w***@example.com; an address without @ is *** (nothing of it shown); nothing for none."""
    if not raw:
        return ""
    local, at, domain = raw.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else "***"
