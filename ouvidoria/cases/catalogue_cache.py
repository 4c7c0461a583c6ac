"""Per-process memo of the small catalogues, so registering a case costs no look-up query.

Catalogue rows are only ever added (subjects are deactivated, not deleted), so a miss falls back to the database
and remembers what it found.
"""

from dataclasses import dataclass

from ouvidoria.catalogue.models import Instance, Medium, RecordType, Subject


@dataclass(frozen=True)
class InstanceRow:
    code: str
    kind: str


@dataclass(frozen=True)
class SubjectRow:
    pk: int
    code: str
    label: str
    record_types: frozenset[str]
    catalogues: frozenset[str]  # rules/subjects.py; empty for a subject offered to no entity


_instances: dict[str, InstanceRow] = {}
_media: set[str] = set()
_record_types: set[str] = set()
_subjects: dict[str, SubjectRow] = {}


def instance(code: str) -> InstanceRow | None:
    if code not in _instances:
        row = Instance.objects.filter(code=code).values_list("code", "kind").first()
        if row is None:
            return None
        _instances[code] = InstanceRow(*row)
    return _instances[code]


def medium(code: str) -> str | None:
    if code not in _media and Medium.objects.filter(code=code).exists():
        _media.add(code)
    return code if code in _media else None


def record_type(code: str) -> str | None:
    if code not in _record_types and RecordType.objects.filter(code=code).exists():
        _record_types.add(code)
    return code if code in _record_types else None


def subject(code_or_label: str) -> SubjectRow | None:
    """A subject by its code or its label (as written in the OPIN tables), ignoring case."""
    key = code_or_label.strip().casefold()
    if key not in _subjects:
        found = (
            Subject.objects.filter(code__iexact=key).first()
            or Subject.objects.filter(label__iexact=code_or_label.strip()).first()
        )
        if found is None or not found.active:
            return None
        row = SubjectRow(
            found.pk,
            found.code,
            found.label,
            frozenset(found.record_types.values_list("code", flat=True)),
            frozenset(found.catalogues.values_list("code", flat=True)),
        )
        _subjects[found.code.casefold()] = _subjects[found.label.casefold()] = row
        _subjects[key] = row
    return _subjects[key]


def clear() -> None:
    _instances.clear()
    _media.clear()
    _record_types.clear()
    _subjects.clear()
