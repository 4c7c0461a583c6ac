"""Errors shared by the rule modules."""

from __future__ import annotations


class RuleViolation(Exception):
    """A request breaks a regulatory rule.

    ``field`` names what is wrong (so a form or an API can attach the message to it) and ``message`` is the
    user-facing explanation, in Portuguese.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        return f"RuleViolation(field={self.field!r}, message={self.message!r})"
