"""Phone numbers: parse, validate, normalise and mask, with phonenumbers (region CN).

Two acceptance rules, each written once here:
- `is_contact_phone`, for the people the school calls (leads, students, parents; by hand or imported): a Chinese
  mobile, or a Chinese landline with its area code. Students and parents may give a landline, as leads always
  could: families still call from home, and a lead becomes a student with the number it had (conversion copies
  it), so a number accepted on the lead must stay acceptable on the student. Foreign numbers, service numbers
  (400/800) and anything phonenumbers does not know are refused for all three alike.
- `parse_phone(raw) is not None`, for staff accounts and a campus's front desk: any valid number (a front desk
  may well be a 400 number).
"""
from __future__ import annotations

import re

import phonenumbers

# What a person types for a phone number: digits with spaces, dashes or parentheses, and an optional
# leading + (+86 …). Anything else (letters, "ext", "tel:") is a typing error to refuse, not noise to strip.
TYPED_PHONE = re.compile(r"[+＋]?[\d\s()-]+")


def parse_phone(raw: str) -> phonenumbers.PhoneNumber | None:
    """The number typed in `raw`, or None unless it is a valid number written with digits and separators only."""
    if not TYPED_PHONE.fullmatch(raw.strip()):
        return None
    try:
        number = phonenumbers.parse(raw.strip(), "CN")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise_phone(raw: str) -> str:
    """Chinese numbers become their 11-digit national form, others E.164; invalid input is kept trimmed."""
    number = parse_phone(raw)
    if number is None:
        return "".join(ch for ch in raw if ch.isdigit() or ch == "+")
    if number.country_code == 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


CONTACT_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
                 phonenumbers.PhoneNumberType.FIXED_LINE)


def is_cn_mobile(raw: str) -> bool:
    number = parse_phone(raw)
    return (
        number is not None
        and number.country_code == 86
        and phonenumbers.number_type(number) in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
    )


def is_contact_phone(raw: str | None) -> bool:
    """A lead's, student's or parent's number: a Chinese mobile, or a Chinese landline with its area code."""
    if not raw:
        return False
    number = parse_phone(raw)
    return number is not None and number.country_code == 86 and phonenumbers.number_type(number) in CONTACT_TYPES


def mask_phone(phone: str | None) -> str:
    """138****1234 for an 11-digit number; keep only the last four digits of anything else."""
    if not phone:
        return ""
    if len(phone) == 11 and phone.isdigit():
        return f"{phone[:3]}****{phone[-4:]}"
    return "****" + phone[-4:]
