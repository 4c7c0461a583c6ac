"""Reads of the subject catalogues: which catalogues and subjects an entity is offered, grouped for a form."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ouvidoria.catalogue.models import Subject, SubjectCatalogue
from ouvidoria.entities.models import Entity
from ouvidoria.rules.subjects import CATALOGUE_LABELS, OPIN, catalogues_for, subject_problem


def entity_catalogues(entity: Entity) -> tuple[str, ...]:
    """The codes of the catalogues ``entity`` is offered (rules/subjects.py ``catalogues_for``)."""
    chosen = SubjectCatalogue.objects.filter(entities=entity).values_list("code", flat=True) if entity.pk else []
    opin = entity.opin_participant or entity.opin_structure
    return catalogues_for(entity.regime, opin=opin, chosen=chosen, kind=entity.institution_kind)


def catalogues_label(codes: Iterable[str]) -> str:
    return ", ".join(CATALOGUE_LABELS.get(c, c) for c in codes)


def entity_subjects(entity: Entity) -> QuerySet[Subject]:
    """The active subjects of the entity's catalogues."""
    return Subject.objects.filter(active=True, catalogues__in=entity_catalogues(entity)).distinct()


def subject_choices(entity: Entity, blank: Any) -> list[tuple[Any, Any]]:
    """The entity's subjects for a <select>: OPIN's first, then one <optgroup> per Área and Assunto (the
    consumidor.gov.br taxonomy), each option named by its Problema; ``blank`` is the empty choice's text."""
    groups: dict[str, list[tuple[str, str]]] = {}
    opin: list[tuple[str, str]] = []
    rows = entity_subjects(entity).values_list("code", "label", "area", "topic", "is_opin")
    for code, label, area, topic, is_opin in rows.order_by("area", "topic", "label"):
        if is_opin:
            opin.append((code, label))
        else:
            groups.setdefault(f"{area}\x1f{topic}", []).append((code, subject_problem(label) if topic else label))
    choices: list[tuple[Any, Any]] = [("", blank)]
    if opin:
        choices.append((CATALOGUE_LABELS[OPIN], opin))
    for key, options in groups.items():
        area, topic = key.split("\x1f")
        name = " — ".join(filter(None, (area, topic))) or _("Outros assuntos")
        choices.append((name, options))
    return choices
