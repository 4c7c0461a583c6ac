"""Encryption of personal data at rest, and keyed hashes for exact look-ups.

Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography`` with the keys in ``settings.ENCRYPTION_KEYS``: the first
key encrypts, every key decrypts, so a key can be rotated without downtime. The blind index is an HMAC-SHA256 of
the normalized value under a separate key, so equal values can be found without decrypting anything.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


@cache
def _index_key(explicit: str, first_key: str) -> bytes:
    if explicit:
        return explicit.encode()
    # Derived, so that the encryption key itself never serves as an HMAC key.
    return hashlib.sha256(b"ouvidoria-blind-index:" + base64.urlsafe_b64decode(first_key)).digest()


def encrypt_bytes(plaintext: bytes) -> bytes:
    return _fernet(tuple(settings.ENCRYPTION_KEYS)).encrypt(plaintext)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _fernet(tuple(settings.ENCRYPTION_KEYS)).decrypt(token)
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong key or corrupted value") from exc


def encrypt(plaintext: str) -> str:
    return encrypt_bytes(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return decrypt_bytes(token.encode()).decode()


def blind_index(value: str) -> str:
    """HMAC of the value; callers normalize first (digits of a document, lower-case e-mail)."""
    key = _index_key(settings.BLIND_INDEX_KEY, settings.ENCRYPTION_KEYS[0])
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
