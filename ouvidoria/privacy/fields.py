"""A model field that stores text encrypted and gives it back in clear."""

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from ouvidoria.privacy.crypto import decrypt, encrypt


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
