"""Field encryption (AES-256-GCM with key ids, so keys can rotate) and a keyed blind index.

Ciphertexts look like ``v1.<key id>.<base64url(nonce + ciphertext)>``. New values are always
written with the active key; any key still in the ring can read old ones.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

PREFIX = "v1"


class DecryptionError(ValueError):
    """A stored value could not be decrypted: unknown key id or tampered data."""


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    active_id: str
    index_key: bytes
    ciphers: dict[str, AESGCM] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        # One cipher object per key, made once: a board decrypts 72 phone numbers a request.
        object.__setattr__(self, "ciphers", {key_id: AESGCM(key) for key_id, key in self.keys.items()})

    @classmethod
    def from_config(cls, config) -> "KeyRing":
        return cls(
            keys=config["EDUFLOW_DATA_KEYS"],
            active_id=config["EDUFLOW_ACTIVE_DATA_KEY_ID"],
            index_key=config["EDUFLOW_INDEX_KEY"],
        )


def key_id_for(key: bytes) -> str:
    """A short, stable id derived from the key itself."""
    return hashlib.sha256(b"eduflow-key-id" + key).hexdigest()[:8]


def _ring() -> KeyRing:
    return current_app.extensions["eduflow_keyring"]


def encrypt(plaintext: str) -> str:
    ring = _ring()
    nonce = os.urandom(12)
    aad = f"{PREFIX}.{ring.active_id}".encode()
    sealed = ring.ciphers[ring.active_id].encrypt(nonce, plaintext.encode(), aad)
    return f"{PREFIX}.{ring.active_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    ring = _ring()
    try:
        version, key_id, payload = token.split(".", 2)
        cipher = ring.ciphers[key_id]
        raw = base64.urlsafe_b64decode(payload)
        aad = f"{version}.{key_id}".encode()
        return cipher.decrypt(raw[:12], raw[12:], aad).decode()
    except Exception as exc:  # any failure means the value cannot be trusted
        raise DecryptionError("stored value cannot be decrypted") from exc


def needs_rotation(token: str) -> bool:
    return token.split(".", 2)[1] != _ring().active_id


def blind_index(normalised: str) -> str:
    """HMAC-SHA256 of a normalised value: equal inputs match, the value itself is not revealed."""
    return hmac.new(_ring().index_key, normalised.encode(), hashlib.sha256).hexdigest()
