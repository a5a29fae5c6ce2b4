"""Declarative base, naming convention and column types shared by every model."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, event, DateTime, MetaData, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Naive UTC now: every timestamp column stores naive UTC, shown in the school's zone."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Money(TypeDecorator):
    """Yuan amounts as exact Decimals, stored as integer fen so every database agrees."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * 100).quantize(Decimal(1)))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(Decimal("0.01"))


class EncryptedText(TypeDecorator):
    """A string encrypted at rest with AES-GCM (see eduflow.security.crypto)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        from eduflow.security.crypto import encrypt

        return None if value in (None, "") else encrypt(value)

    def process_result_value(self, value, dialect):
        from eduflow.security.crypto import decrypt

        return None if value is None else decrypt(value)


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class SoftDeleteMixin:
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PhoneMixin:
    """Encrypted phone plus a keyed blind index (exact lookup) and the plain last four digits."""

    phone_encrypted: Mapped[str | None] = mapped_column(EncryptedText)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_last4: Mapped[str | None] = mapped_column(String(4), index=True)

    @property
    def phone(self) -> str | None:
        return self.phone_encrypted

    @phone.setter
    def phone(self, value: str | None) -> None:
        from eduflow.security.crypto import blind_index
        from eduflow.security.phones import normalise_phone

        normalised = normalise_phone(value) if value else None
        self.phone_encrypted = normalised
        self.phone_hash = blind_index(normalised) if normalised else None
        self.phone_last4 = normalised[-4:] if normalised else None


class PinyinNameMixin:
    """Name plus its pinyin and initials, kept in step for pinyin search (张三 → zhangsan, zs)."""

    name: Mapped[str] = mapped_column(String(64))
    name_pinyin: Mapped[str] = mapped_column(String(255), default="", index=True)
    name_initials: Mapped[str] = mapped_column(String(64), default="", index=True)


@event.listens_for(PinyinNameMixin, "before_insert", propagate=True)
@event.listens_for(PinyinNameMixin, "before_update", propagate=True)
def _refresh_pinyin(mapper, connection, target) -> None:
    from eduflow.search import pinyin_of

    target.name_pinyin, target.name_initials = pinyin_of(target.name or "")


@event.listens_for(Base, "before_mapper_configured", propagate=True)
def _audit_old_values(mapper, class_) -> None:
    """Load a column's old value before it is overwritten, so the audit log always has old → new."""
    for prop in mapper._props.values():
        if hasattr(prop, "columns"):
            prop.active_history = True
