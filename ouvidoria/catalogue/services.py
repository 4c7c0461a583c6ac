"""Loading the shipped catalogues (``ouvidoria.rules``) into the database. Idempotent."""

from typing import Any

from django.apps import apps as live_apps
from django.db import transaction

from ouvidoria.rules import catalogue
from ouvidoria.rules.policies import POLICIES


@transaction.atomic
def catalogues_load(apps: Any = live_apps) -> dict[str, int]:
    """Create or update every shipped catalogue row; ``apps`` is a migration's historical registry or the live one."""
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
    for s in catalogue.SUBJECTS:
        subject, _ = subject_model.objects.update_or_create(
            code=s.code, defaults={"label": s.label, "description": s.description, "is_opin": True}
        )
        subject.record_types.set(s.record_types)
        subject.instances.set(s.instances)
    for p in POLICIES.values():
        policy.objects.update_or_create(
            code=p.code, defaults={"label": p.label, "unit": p.unit, "days": p.days, "source": p.source}
        )
    return {
        "instances": len(catalogue.INSTANCES),
        "media": len(catalogue.MEDIA),
        "record_types": len(catalogue.RECORD_TYPES),
        "subjects": len(catalogue.SUBJECTS),
        "policies": len(POLICIES),
    }
