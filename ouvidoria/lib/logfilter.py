"""The logs read the classification table: a filter, on every handler of settings.LOGGING, that takes personal data
out of each record before it is written (docs/security.md, "Classificação da informação").

- A value logged under the name of a personal or sensitive field (``extra={"email": …}``, ``%(document)s`` with a
  dict, a dict among the arguments, a dict inside an extra value) is replaced by "[dado pessoal omitido]". The names
  are ``rules.classification.personal_names()``: a name personal in any model counts (``name`` is the requester's
  in ``cases.Requester``, so a ``name`` logged anywhere is taken out; LogRecord's own ``name``, the logger's, is not).
- A model instance among the arguments or extras, of a model with personal fields, is written as ``<cases.Requester
  #12>`` rather than through its ``__str__`` (a requester's is their name).
- Last line of defence, whatever the code did: CPF and CNPJ (with or without punctuation) and e-mail addresses in the
  message, in the text of extras, the traceback and the stack are masked.

The filter changes the record itself (Python 3.11 has no per-handler copy): the test suite's own check
(conftest.py) looks at each record before any handler, so it still catches code that logs personal data.
"""

import logging
import re
from collections.abc import Mapping
from typing import Any

from ouvidoria.rules import classification
from ouvidoria.rules.disclosure import REDACTED

# CPF and CNPJ as written (529.982.247-25, 11.222.333/0001-81) or as bare digits (11 or 14 of them: a protocol has
# 12), and e-mail addresses.
PERSONAL_PATTERN = re.compile(
    r"(?<!\d)(?:\d{3}\.\d{3}\.\d{3}-\d{2}|\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}|\d{11}|\d{14})(?!\d)"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
MASK = "[dado pessoal omitido]"
assert MASK == REDACTED  # one wording everywhere the identity is taken out

# The attributes every LogRecord has: never "extra" values, whatever their names.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def mask(text: str) -> str:
    return PERSONAL_PATTERN.sub(MASK, text)


class _Label(str):
    """What stands for a model instance: the same with ``%s`` and ``%r``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def _personal_model(value: Any) -> str | None:
    """``"app.Model"`` when ``value`` is a model instance of a model with personal fields."""
    meta = getattr(value, "_meta", None)
    label = getattr(meta, "label", None)
    if not isinstance(label, str) or not hasattr(value, "pk"):
        return None
    return label if classification.personal_fields(label, shown=False) else None


class PersonalDataFilter(logging.Filter):
    """Redacts personal data from each record (never drops one)."""

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        self.names = classification.personal_names()

    def _clean(self, value: Any, depth: int = 0) -> Any:
        label = _personal_model(value)
        if label is not None:
            return _Label(f"<{label} #{value.pk}>")
        if isinstance(value, Mapping) and depth < 4:
            return {k: MASK if k in self.names else self._clean(v, depth + 1) for k, v in value.items()}
        if isinstance(value, list | tuple) and depth < 4:
            return type(value)(self._clean(v, depth + 1) for v in value)
        if isinstance(value, str) and not isinstance(value, _Label):
            return mask(value)
        return value

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in list(vars(record).items()):
            if key in _STANDARD:
                continue
            setattr(record, key, MASK if key in self.names else self._clean(value))
        if record.args:
            args = record.args
            record.args = self._clean(args) if isinstance(args, tuple) else self._clean(dict(args))
        # The message's own template is masked with the rest once formatted.
        try:
            message = record.getMessage()
        except Exception:  # a badly formatted record: keep it as it came, masked
            message = str(record.msg)
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
