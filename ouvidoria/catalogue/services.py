"""Loading the shipped catalogues (``ouvidoria.rules``) into the database, and regenerating the subjects' data file
from the consumidor.gov.br open data. Loading is idempotent."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps as live_apps
from django.db import transaction

from ouvidoria.rules import catalogue, subjects
from ouvidoria.rules.policies import POLICIES


@transaction.atomic
def catalogues_load(apps: Any = live_apps, *, regime_subjects: bool = True) -> dict[str, int]:
    """Create or update every shipped catalogue row; ``apps`` is a migration's historical registry or the live one
    (``regime_subjects=False`` for a registry from before the subject catalogues existed)."""
    instance, medium, record_type, subject_model, policy = (
        apps.get_model("catalogue", name) for name in ("Instance", "Medium", "RecordType", "Subject", "DeadlinePolicy")
    )
    for i in catalogue.INSTANCES:
        instance.objects.update_or_create(
            code=i.code, defaults={"label": i.label, "kind": i.kind, "opin_channel": i.opin_channel}
        )
    for m in catalogue.MEDIA:
        medium.objects.update_or_create(code=m.code, defaults={"label": m.label})
    for t in catalogue.RECORD_TYPES:
        record_type.objects.update_or_create(code=t.code, defaults={"label": t.label})
    opin_ids = []
    for s in catalogue.SUBJECTS:
        subject, _ = subject_model.objects.update_or_create(
            code=s.code, defaults={"label": s.label, "description": s.description, "is_opin": True}
        )
        subject.record_types.set(s.record_types)
        subject.instances.set(s.instances)
        opin_ids.append(subject.pk)
    for p in POLICIES.values():
        policy.objects.update_or_create(
            code=p.code, defaults={"label": p.label, "unit": p.unit, "days": p.days, "source": p.source}
        )
    counts = {
        "instances": len(catalogue.INSTANCES),
        "media": len(catalogue.MEDIA),
        "record_types": len(catalogue.RECORD_TYPES),
        "subjects": len(catalogue.SUBJECTS),
        "policies": len(POLICIES),
    }
    if regime_subjects:
        counts |= _regime_subjects_load(apps, opin_ids)
    return counts


def _regime_subjects_load(apps: Any, opin_ids: list[int]) -> dict[str, int]:
    """The catalogues and the regimes' subjects of ``rules/data/subjects.toml``, in a few bulk statements (they are
    hundreds, and a fresh database loads them in a migration). A subject an administrator deactivated stays so."""
    catalogue_model, subject_model = (apps.get_model("catalogue", n) for n in ("SubjectCatalogue", "Subject"))
    for c in subjects.CATALOGUES:
        catalogue_model.objects.update_or_create(code=c.code, defaults={"label": c.label})
    shipped = subjects.shipped_subjects()
    fields = ("label", "area", "topic", "problem_group", "source", "description")
    existing = {s.code: s for s in subject_model.objects.filter(code__in=[s.code for s in shipped])}
    new, changed = [], []
    for s in shipped:
        path = " › ".join(filter(None, (s.area, s.topic, s.problem_group, s.problem)))
        values = {"label": s.label, "area": s.area, "topic": s.topic, "problem_group": s.problem_group,
                  "source": s.source, "description": path}  # fmt: skip
        row = existing.get(s.code)
        if row is None:
            new.append(subject_model(code=s.code, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
    subject_model.objects.bulk_create(new)
    subject_model.objects.bulk_update(changed, fields)
    ids = dict(subject_model.objects.filter(code__in=[s.code for s in shipped]).values_list("code", "pk"))
    link = subject_model.catalogues.through
    link.objects.filter(subject_id__in=[*ids.values(), *opin_ids]).delete()
    link.objects.bulk_create(
        [link(subject_id=ids[s.code], subjectcatalogue_id=c) for s in shipped for c in s.catalogues]
        + [link(subject_id=pk, subjectcatalogue_id=subjects.OPIN) for pk in opin_ids]
    )
    return {"subject_catalogues": len(subjects.CATALOGUES), "regime_subjects": len(shipped)}


# --- Regenerating rules/data/subjects.toml --------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectsGenerated:
    path: Path
    rows: int
    unrepaired: int
    subjects: int
    by_catalogue: dict[str, int]
    segments: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"arquivo": str(self.path), "linhas": self.rows, "linhas_sem_acentos_recuperaveis": self.unrepaired,
                "assuntos": self.subjects, "por_catalogo": self.by_catalogue, "segmentos": self.segments}  # fmt: skip


def subjects_generate(
    paths: Sequence[Path], *, out: Path = subjects.SUBJECTS_FILE, supplement: Path = subjects.SUPPLEMENT_FILE
) -> SubjectsGenerated:
    """Write ``out`` from the open-data files ``paths`` (either encoding, header line or not) and the supplement."""
    # Imported here: the importer's reader of the open-data layout, not needed to load the catalogues.
    from ouvidoria.imports.consumidor_gov import open_data_rows

    rows = [
        subjects.TaxonomyRow(
            r.get("Segmento de Mercado", ""),
            r.get("Área", ""),
            r.get("Assunto", ""),
            r.get("Grupo Problema", ""),
            r.get("Problema", ""),
        )
        for path in paths
        for _, r in open_data_rows(path)
    ]
    names = ", ".join(p.name for p in paths)
    taxonomy = subjects.taxonomy_subjects(rows, source=f"consumidor.gov.br, dados abertos ({names})")
    merged = subjects.merged(taxonomy.subjects, subjects.read_subjects(supplement))
    header = [
        "The regimes' subject catalogues (rules/subjects.py). GENERATED: do not edit by hand.",
        "",
        "Regenerate with:",
        "  .venv/bin/python manage.py subjects_from_consumidor_gov /work/shared/data/consumidor-gov/*.csv",
        "",
        f"Source: consumidor.gov.br open data ({names}; {taxonomy.rows} complaints), CC0 1.0, as kept in the",
        "public repository taiar/tp2-ibd (folder dados/):",
        "Segmento de Mercado -> Área -> Assunto -> Grupo Problema -> Problema.",
        "One subject per Assunto and Problema; segments mapped to catalogues by rules/subjects.py CATALOGUES.",
        f"Completed from the seeds and issue 14 where the sample lacks a regime's subjects: {supplement.name}",
        '(entries whose source is not "consumidor.gov.br").',
        "complaints: rows of the sample behind the subject (0 for the supplement's).",
    ]
    out.write_text(subjects.subjects_toml(merged, header=header), encoding="utf-8")
    by_catalogue = {c: sum(c in s.catalogues for s in merged) for c in subjects.CATALOGUE_CODES if c != subjects.OPIN}
    return SubjectsGenerated(out, taxonomy.rows, taxonomy.unrepaired, len(merged), by_catalogue,
                             dict(taxonomy.segments.most_common()))  # fmt: skip
