"""Phone, e-mail and ID card numbers are encrypted at rest; lookups go through the blind index."""
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from eduflow.extensions import db
from eduflow.models import Lead
from eduflow.security.crypto import blind_index, decrypt, encrypt
from eduflow.security.phones import mask_phone, normalise_phone
from tests import factories

PHONE = "13912345678"


def _add_private_records(campuses):
    campus = campuses[0]
    lead = factories.make_lead(campus, phone="+86 139-1234-5678", email="zhangsan@example.com")
    student = factories.make_student(campus, name="李四", id_card="11010519491231002X", email="lisi@example.com",
                                     phone=PHONE)
    factories.make_parent(student, name="李爸爸", phone=PHONE, relationship="")
    db.session.commit()
    return lead, student


def test_no_table_holds_a_plain_phone_email_or_id_card(campuses):
    _add_private_records(campuses)
    secrets = [PHONE, "zhangsan@example.com", "lisi@example.com", "11010519491231002X"]
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(text(f"SELECT * FROM {table.name}")):  # raw: no type decoding
                dump = " ".join(str(v) for v in row)
                assert not any(s in dump for s in secrets), f"plain private data in {table.name}"


def test_sqlite_database_file_holds_no_plain_phone_number(campuses):
    _add_private_records(campuses)
    url = make_url(str(db.engine.url))
    if url.get_backend_name() != "sqlite":
        return  # the table scan above covers server databases
    with db.engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(FULL)"))
    raw = Path(url.database).read_bytes()
    assert PHONE.encode() not in raw
    assert "13912345678".encode("utf-16-le") not in raw


def test_phone_is_readable_through_the_model_and_found_by_blind_index(campuses):
    lead, _ = _add_private_records(campuses)
    db.session.expire_all()
    found = db.session.scalar(select(Lead).where(Lead.phone_hash == blind_index(normalise_phone("139 1234 5678"))))
    assert found.id == lead.id
    assert found.phone == PHONE
    assert found.phone_last4 == "5678"
    assert found.email == "zhangsan@example.com"


def test_ciphertext_names_its_key_and_differs_each_time(app):
    first, second = encrypt(PHONE), encrypt(PHONE)
    assert first != second
    assert first.startswith(f"v1.{app.config['EDUFLOW_ACTIVE_DATA_KEY_ID']}.")
    assert decrypt(first) == PHONE


def test_old_key_still_decrypts_after_rotation(app):
    import secrets as pysecrets

    from eduflow.security.crypto import KeyRing, key_id_for

    old_token = encrypt(PHONE)
    ring = app.extensions["eduflow_keyring"]
    new_key = pysecrets.token_bytes(32)
    rotated = KeyRing(keys={key_id_for(new_key): new_key, **ring.keys}, active_id=key_id_for(new_key),
                      index_key=ring.index_key)
    app.extensions["eduflow_keyring"] = rotated
    try:
        assert decrypt(old_token) == PHONE
        assert encrypt(PHONE).split(".")[1] == key_id_for(new_key)
    finally:
        app.extensions["eduflow_keyring"] = ring


def test_tampered_ciphertext_is_rejected(app):
    import pytest

    from eduflow.security.crypto import DecryptionError

    token = encrypt(PHONE)
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        decrypt(tampered)


def test_mask_phone_shows_first_three_and_last_four():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone(None) == ""
