"""Resident ID card numbers (居民身份证号码): 18 characters checked with the GB 11643 checksum, and masking."""
from __future__ import annotations

import datetime as dt
import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # indexed by the weighted sum modulo 11
SHAPE = re.compile(r"[1-9]\d{16}[\dX]")
EARLIEST_BIRTH = dt.date(1900, 1, 1)


def normalise_id_card(raw: str | None) -> str:
    """Trimmed, without inner spaces, with a lower-case check letter raised (x → X)."""
    return "".join((raw or "").split()).upper()


def check_char(first17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character of the first seventeen digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def birth_date_of(number: str) -> dt.date | None:
    """The birth date the number carries (characters 7–14), or None if it is not a real date."""
    try:
        return dt.datetime.strptime(number[6:14], "%Y%m%d").date()
    except ValueError:
        return None


def is_valid_id_card(raw: str | None, today: dt.date | None = None) -> bool:
    """18 characters, a real birth date not in the future, and the right check character."""
    number = normalise_id_card(raw)
    if not SHAPE.fullmatch(number):
        return False
    born = birth_date_of(number)
    if born is None or not EARLIEST_BIRTH <= born <= (today or dt.date.today()):
        return False
    return check_char(number[:17]) == number[17]


def mask_id_card(number: str | None) -> str:
    """110105********002X: the region code and the last four characters stay visible."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"
