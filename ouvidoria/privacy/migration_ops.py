"""Helpers for migrations that start or stop encrypting a column that already holds rows."""

from collections.abc import Callable
from typing import Any

from ouvidoria.privacy.crypto import decrypt, encrypt

BATCH = 2000


def _rewrite(schema_editor: Any, table: str, column: str, change: Callable[[str], str | None]) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {quote(column)} FROM {quote(table)} WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            updates = [(new, pk) for pk, value in rows if value and (new := change(value)) is not None]
            if updates:
                cursor.executemany(f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s", updates)  # noqa: S608


def _encrypted(value: str) -> bool:
    try:
        decrypt(value)
    except ValueError:
        return False
    return True


def encrypt_in_place(table: str, column: str) -> Callable[[Any, Any], None]:
    """A RunPython step encrypting the clear values of ``table.column`` (already encrypted ones are left)."""

    def run(apps: Any, schema_editor: Any) -> None:
        _rewrite(schema_editor, table, column, lambda v: None if _encrypted(v) else encrypt(v))

    return run


def decrypt_in_place(table: str, column: str) -> Callable[[Any, Any], None]:
    """The reverse step: the column's values back in clear."""

    def run(apps: Any, schema_editor: Any) -> None:
        _rewrite(schema_editor, table, column, lambda v: decrypt(v) if _encrypted(v) else None)

    return run
