"""Translation between JSON and the services: shapes and types here, rules in the services."""

from functools import cached_property
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from ouvidoria.accounts.disclosure import CaseView, linked_visible
from ouvidoria.cases.models import Attachment, Event, Forward, Manifestation
from ouvidoria.cases.selectors import deadline_view
from ouvidoria.catalogue.models import Subject
from ouvidoria.entities.models import Area, Entity
from ouvidoria.rules.disclosure import IDENTITY_FIELDS, NAME_FIELDS
from ouvidoria.rules.protocol import format_protocol
from ouvidoria.rules.workflow import MERITS_REASONS, STATUS_LABELS

TEXT_LIMIT = 20_000


def deadline_payload(m: Manifestation) -> dict[str, Any]:
    view = deadline_view(m)
    return {"status": view.status, "business_days_left": view.business_days_left, "paused": view.paused}


class SharedFieldsMixin:
    """One set of bound fields per serializer class, instead of DRF's deep copy of every field for every instance.

    DRF copies the declared fields for each serializer so that an instance may change its own fields; the
    registration payload never does, and the copy of its 24 fields was the largest single cost of validating a
    registration (about a tenth of the endpoint's CPU). Field objects keep no per-request state while validating, so
    one copy, bound to a data-less prototype of the class, serves every instance and thread. Only for input
    serializers whose fields are neither changed per instance nor read through ``context`` or ``parent``.
    """

    @cached_property
    def fields(self) -> BindingDict:
        cls = type(self)
        shared: BindingDict | None = cls.__dict__.get("_shared_fields")
        if shared is None:
            prototype = cls()
            shared = BindingDict(prototype)  # type: ignore[arg-type]
            for name, field in prototype.get_fields().items():  # type: ignore[attr-defined]
                shared[name] = field
            cls._shared_fields = shared  # type: ignore[attr-defined]
        return shared


class RequesterInSerializer(serializers.Serializer[Any]):
    document = serializers.CharField(required=False, allow_blank=True, max_length=20, label="CPF/CNPJ")
    name = serializers.CharField(required=False, allow_blank=True, max_length=200, label="nome completo")
    social_name = serializers.CharField(required=False, allow_blank=True, max_length=200, label="nome social")
    email = serializers.CharField(required=False, allow_blank=True, max_length=254, label="e-mail")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20, label="telefone")
    address = serializers.CharField(required=False, allow_blank=True, max_length=300, label="endereço")
    gender = serializers.CharField(required=False, allow_blank=True, max_length=5, label="gênero")
    state = serializers.CharField(required=False, allow_blank=True, max_length=2, label="UF")
    city = serializers.CharField(required=False, allow_blank=True, max_length=120, label="cidade")


class RegistrationSerializer(SharedFieldsMixin, serializers.Serializer[Any]):
    entity = serializers.SlugField(label="entidade", help_text="Identificador (slug) da entidade.")
    instance = serializers.SlugField(label="instância", help_text="sac, ouvidoria, consumidor-gov…")
    medium = serializers.SlugField(label="meio", help_text="phone, email, web-form, chat, whatsapp, letter…")
    record_type = serializers.SlugField(label="tipo", help_text="informacao, solicitacao, reclamacao…")
    subject = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        label="assunto",
        help_text="Código ou nome de um assunto dos catálogos da entidade (subject_catalogues em /catalogues/).",
    )
    description = serializers.CharField(max_length=TEXT_LIMIT, label="descrição")
    requester = RequesterInSerializer(required=False, allow_null=True, label="manifestante")
    anonymous = serializers.BooleanField(required=False, default=False, label="anônima")
    name_confidential = serializers.BooleanField(required=False, default=False, label="sigilo do nome")
    received_at = serializers.DateTimeField(required=False, allow_null=True, label="recebida em")
    policy = serializers.SlugField(required=False, allow_blank=True, label="política de prazo")
    earlier_protocols = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, default=list, max_length=20
    )
    earlier_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    external_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    state = serializers.CharField(required=False, allow_blank=True, max_length=2, label="UF")
    city = serializers.CharField(required=False, allow_blank=True, max_length=120, label="cidade")


class ManifestationListSerializer(serializers.ModelSerializer[Manifestation]):
    protocol_formatted = serializers.SerializerMethodField()
    entity: serializers.SlugRelatedField[Entity] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    subject: serializers.SlugRelatedField[Subject] = serializers.SlugRelatedField(
        slug_field="label", read_only=True, allow_null=True
    )
    status_label = serializers.SerializerMethodField()
    deadline = serializers.SerializerMethodField()

    class Meta:
        model = Manifestation
        fields = [
            "protocol",
            "protocol_formatted",
            "entity",
            "instance",
            "medium",
            "record_type",
            "subject",
            "policy",
            "status",
            "status_label",
            "received_at",
            "due_on",
            "deadline",
            "concluded_at",
            "closed_at",
            "merits",
            "resolved",
            "rating",
            # Set when retention anonymised the case (5 years after the protocol): description and requester empty.
            "anonymised_at",
        ]
        read_only_fields = ["anonymised_at"]

    def get_protocol_formatted(self, m: Manifestation) -> str:
        return format_protocol(m.protocol)

    def get_status_label(self, m: Manifestation) -> str:
        return STATUS_LABELS[m.status]

    def get_deadline(self, m: Manifestation) -> dict[str, Any]:
        return deadline_payload(m)


_DATETIME = serializers.DateTimeField()


class RegistrationResultSerializer(serializers.Serializer[Manifestation]):
    """What a registration answers: the protocol to give the requester at once, and the deadline.

    The declared fields describe the answer in the OpenAPI schema; ``to_representation`` builds it directly, without
    instantiating the fields on every registration (a test keeps the two in step).
    """

    protocol = serializers.CharField()
    protocol_formatted = serializers.CharField(source="formatted_protocol")
    url = serializers.SerializerMethodField()
    entity = serializers.CharField(source="entity.slug")
    status = serializers.CharField()
    policy = serializers.CharField(source="policy_id")
    received_at = serializers.DateTimeField()
    due_on = serializers.DateField()
    deadline = serializers.SerializerMethodField()

    def get_url(self, m: Manifestation) -> str:
        return f"/api/v1/manifestations/{m.protocol}/"

    def get_deadline(self, m: Manifestation) -> dict[str, Any]:
        return deadline_payload(m)

    def to_representation(self, m: Manifestation) -> dict[str, Any]:
        return {
            "protocol": m.protocol,
            "protocol_formatted": m.formatted_protocol,
            "url": self.get_url(m),
            "entity": m.entity.slug,
            "status": m.status,
            "policy": m.policy_id,
            "received_at": _DATETIME.to_representation(m.received_at),
            "due_on": m.due_on.isoformat(),
            "deadline": self.get_deadline(m),
        }


class EventSerializer(serializers.ModelSerializer[Event]):
    kind_label = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "kind", "kind_label", "created_at", "actor_label", "body", "params"]

    def get_kind_label(self, e: Event) -> str:
        return str(Event.KIND_LABELS.get(e.kind, e.kind))


class ForwardSerializer(serializers.ModelSerializer[Forward]):
    area: serializers.SlugRelatedField[Area] = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = Forward
        fields = ["id", "area", "question", "due_on", "created_at", "replied_at", "reply"]


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class AttachmentInSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(label="arquivo", allow_empty_file=True)


class RequesterOutSerializer(serializers.Serializer[Any]):
    """The requester as the caller's role may read it (``ouvidoria.rules.disclosure``): a role that may not see the
    identity gets only ``name`` ("Nome sob sigilo" or "Dados pessoais restritos") and ``restricted``."""

    kind = serializers.CharField()
    restricted = serializers.BooleanField()
    name = serializers.CharField()
    civil_name = serializers.CharField(required=False)
    document = serializers.CharField(required=False)
    email = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    address = serializers.CharField(required=False)
    gender = serializers.CharField(required=False)
    state = serializers.CharField(required=False)
    city = serializers.CharField(required=False)


def requester_payload(view: CaseView) -> dict[str, Any] | None:
    m = view.manifestation
    if m.anonymous or m.requester is None:
        return None
    r = m.requester
    payload: dict[str, Any] = {"kind": r.kind, "restricted": not view.sees_identity, "name": view.name_label()}
    if not view.sees_identity:
        return payload
    values = view.identity_values()
    if values.get("social_name") and values.get("name"):
        payload["civil_name"] = values["name"]
    # The identity fields of the classification table (rules/disclosure.IDENTITY_FIELDS) beyond the name.
    for field in (f for f in IDENTITY_FIELDS if f not in NAME_FIELDS):
        payload[field] = values.get(field, "") if view.disclosure.sees(field) else None
    payload.update(state=r.state, city=r.city)
    return payload


class ManifestationDetailSerializer(ManifestationListSerializer):
    """One case, as the caller may read it: built from a ``CaseView`` passed in the context as ``case_view``."""

    description = serializers.SerializerMethodField()
    requester = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    forwards = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    earlier_protocols = serializers.SerializerMethodField()

    class Meta(ManifestationListSerializer.Meta):
        fields = [
            *ManifestationListSerializer.Meta.fields,
            "description",
            "anonymous",
            "name_confidential",
            "state",
            "city",
            "merits_reason",
            "extension_count",
            "interaction_count",
            "practiced_days",
            "earlier_protocols",
            "earlier_reference",
            "external_reference",
            "requester",
            "forwards",
            "attachments",
            "timeline",
        ]

    def _view(self) -> CaseView:
        view: CaseView = self.context["case_view"]
        return view

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_description(self, m: Manifestation) -> str | None:
        return self._view().description

    @extend_schema_field(RequesterOutSerializer(allow_null=True))
    def get_requester(self, m: Manifestation) -> dict[str, Any] | None:
        return requester_payload(self._view())

    def _all_forwards(self, m: Manifestation) -> list[Forward]:
        """The case's forwards, read once for the timeline's scope and the forwards shown."""
        cached: list[Forward] | None = getattr(self, "_forwards_read", None)
        if cached is None:
            cached = list(m.forwards.select_related("area"))
            self._forwards_read = cached
        return cached

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, m: Manifestation) -> list[Any]:
        events = self._view().events(list(m.events.order_by("created_at", "id")), self._all_forwards(m))
        return list(EventSerializer(events, many=True).data)

    @extend_schema_field(ForwardSerializer(many=True))
    def get_forwards(self, m: Manifestation) -> list[Any]:
        shown = self._view().forwards(self._all_forwards(m))
        return list(ForwardSerializer(shown, many=True).data)

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, m: Manifestation) -> list[Any]:
        shown = self._view().attachments(list(m.attachments.select_related("event")))
        return list(AttachmentSerializer(shown, many=True).data)

    def get_earlier_protocols(self, m: Manifestation) -> list[str]:
        view = self._view()
        return [e.protocol for e in linked_visible(view.access.role, m, list(m.earlier.select_related("instance")))]


# --- Action payloads --------------------------------------------------------------------------------------


class BodySerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=TEXT_LIMIT, label="texto")


class MessageInSerializer(BodySerializer):
    medium = serializers.SlugField(required=False, allow_blank=True, label="meio")


class TriageSerializer(serializers.Serializer[Any]):
    record_type = serializers.SlugField(required=False, allow_blank=True, label="tipo")
    subject = serializers.CharField(required=False, allow_blank=True, max_length=200, label="assunto")
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT, label="nota")


class AssignSerializer(serializers.Serializer[Any]):
    assignee = serializers.CharField(allow_blank=True, allow_null=True, label="responsável (usuário)")


class ForwardInSerializer(serializers.Serializer[Any]):
    area = serializers.CharField(max_length=120, label="área")
    question = serializers.CharField(max_length=TEXT_LIMIT, label="pergunta")
    due_on = serializers.DateField(required=False, allow_null=True, label="prazo da área")


class AreaReplySerializer(serializers.Serializer[Any]):
    forward = serializers.IntegerField(label="encaminhamento")
    reply = serializers.CharField(max_length=TEXT_LIMIT, label="resposta")


class ExtensionSerializer(serializers.Serializer[Any]):
    justification = serializers.CharField(max_length=TEXT_LIMIT, label="justificativa")
    days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=60, label="dias")
    agreed_with_requester = serializers.BooleanField(required=False, default=False, label="pactuada")


class MeritsSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=sorted(MERITS_REASONS), label="motivo")
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT, label="nota")


class NoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT, label="nota")


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=TEXT_LIMIT, label="motivo")


class EvaluationSerializer(serializers.Serializer[Any]):
    resolved = serializers.BooleanField(required=False, allow_null=True, default=None, label="resolvida")
    rating = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=5, label="nota"
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_LIMIT, label="comentário"
    )


class LinkSerializer(serializers.Serializer[Any]):
    protocol = serializers.CharField(max_length=30, label="protocolo")


class ListFilterSerializer(serializers.Serializer[Any]):
    entity = serializers.SlugField(required=False, label="entidade")
    status = serializers.ChoiceField(choices=sorted(STATUS_LABELS), required=False, label="situação")
    record_type = serializers.SlugField(required=False, label="tipo")
    subject = serializers.SlugField(required=False, label="assunto")
    instance = serializers.SlugField(required=False, label="instância")
    received_from = serializers.DateField(required=False, label="recebida a partir de")
    received_to = serializers.DateField(required=False, label="recebida até")
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None, label="em atraso")


class DeadlineQuerySerializer(serializers.Serializer[Any]):
    policy = serializers.SlugField(label="política")
    received = serializers.DateField(label="data de recebimento")
    uf = serializers.CharField(required=False, allow_blank=True, max_length=2, label="UF")
    city = serializers.CharField(required=False, allow_blank=True, max_length=120, label="cidade")
    entity = serializers.SlugField(required=False, allow_blank=True, label="entidade")
