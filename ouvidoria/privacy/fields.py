"""Model fields that store text or bytes encrypted and give them back in clear."""

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from ouvidoria.privacy.crypto import decrypt, decrypt_bytes, encrypt, encrypt_bytes


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text encrypted with the installation's key; empty strings stay empty so "not informed" is cheap.

    Encrypted values cannot be filtered or ordered in SQL: look-ups go through a blind index column.
    """

    description = "Texto cifrado em repouso"

    def from_db_value(self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper) -> Any:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(str(value))


class EncryptedBinaryField(models.BinaryField):  # type: ignore[type-arg]
    """Bytes encrypted with the installation's key (a Fernet token), like ``EncryptedTextField``; rotated by the same
    pass of ``rotate_keys``. Empty stays empty (a document whose bytes were disposed of)."""

    description = "Dados binários cifrados em repouso"

    def from_db_value(self, value: Any, expression: Expression, connection: BaseDatabaseWrapper) -> Any:
        if not value:
            return value
        return decrypt_bytes(bytes(value))

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt_bytes(bytes(value))
