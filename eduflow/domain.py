"""Errors that services raise for a person to read; views turn them into messages, never 500s."""
from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the change; str(error) is a translated message for the user."""

    status_code = 422


class StaleRecord(DomainError):
    """Someone else changed the record since the user loaded it (optimistic lock)."""

    status_code = 409


class LimitReached(DomainError):
    """A holding cap or capacity would be exceeded."""


class FieldError(DomainError):
    """A rule about one field of a form (a lead, a student, a parent, a follow-up …); the form shows the message
    beside that field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
