"""REST endpoints: each one validates the shape, calls one service or selector, and renders the result."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import pagination, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from ouvidoria.accounts.access import access_for, denial_message
from ouvidoria.accounts.disclosure import case_view, client_ip, personal_data_record
from ouvidoria.api import serializers as s
from ouvidoria.api.parsers import MultiPartParser
from ouvidoria.cases import services
from ouvidoria.cases.models import Attachment, IdempotencyKey, Manifestation
from ouvidoria.cases.selectors import (
    Filters,
    accessible_entities,
    accessible_entity,
    manifestation_get,
    manifestation_list,
)
from ouvidoria.catalogue.models import DeadlinePolicy, Instance, Medium, RecordType, Subject
from ouvidoria.catalogue.selectors import entity_catalogues
from ouvidoria.entities.models import Area
from ouvidoria.entities.services import deadline_answer
from ouvidoria.privacy.downloads import UNREADABLE_STATUS, PlainFileResponse, stored_file_open


class ManifestationPagination(pagination.CursorPagination):
    # Keyset pagination: page 10,000 costs what page 1 costs, and no COUNT over a million rows.
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _actor(request: Request) -> tuple[Any, str]:
    """Staff users are recorded as themselves; tokens by name (they are not users)."""
    user = request.user
    if getattr(user, "token", None) is not None:
        return None, user.get_username()
    return user, ""


def _idempotency_scope(request: Request) -> str:
    token = getattr(request.user, "token", None)
    return f"token:{token.pk}" if token is not None else f"user:{request.user.pk}"


class ManifestationViewSet(viewsets.GenericViewSet[Manifestation]):
    lookup_field = "protocol"
    lookup_value_regex = r"[0-9A-Za-z.\- ]+"
    pagination_class = ManifestationPagination

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return s.ManifestationDetailSerializer

    def get_object(self) -> Manifestation:
        m = manifestation_get(self.request.user, self.kwargs["protocol"])
        if m is None:
            raise Http404
        return m

    @extend_schema(parameters=[s.ListFilterSerializer], responses=s.ManifestationListSerializer(many=True))
    def list(self, request: Request) -> Response:
        query = s.ListFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = manifestation_list(request.user, Filters(**query.validated_data))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.ManifestationListSerializer(page, many=True).data)

    @extend_schema(
        request=s.RegistrationSerializer,
        responses={201: s.RegistrationResultSerializer, 200: s.RegistrationResultSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Uma repetição com a mesma chave devolve o mesmo protocolo e não cria nada.",
            )
        ],
    )
    def create(self, request: Request) -> Response:
        if not access_for(request.user).can("register"):
            raise PermissionDenied(denial_message("register"))
        payload = s.RegistrationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        entity = accessible_entity(request.user, data.pop("entity"))
        if entity is None:
            raise serializers.ValidationError({"entity": ["Entidade desconhecida ou sem acesso."]})
        requester = data.pop("requester", None)
        actor, actor_label = _actor(request)

        def register() -> Manifestation:
            return services.manifestation_register(
                entity=entity,
                requester=services.RequesterData(**requester) if requester else None,
                actor=actor,
                actor_label=actor_label,
                **data,
            )

        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return self._created(register(), status.HTTP_201_CREATED)
        if len(key) > 200:
            raise serializers.ValidationError({"Idempotency-Key": ["Chave de idempotência longa demais (máx. 200)."]})
        scope = _idempotency_scope(request)
        digest = hashlib.sha256(json.dumps(request.data, sort_keys=True, default=str).encode()).hexdigest()
        replay = self._replay(scope, key, digest)
        if replay is not None:
            return replay
        try:
            with transaction.atomic():
                m = register()
                IdempotencyKey.objects.create(scope=scope, key=key, request_hash=digest, manifestation=m)
        except IntegrityError:
            # A concurrent retry with the same key won the race: answer with its protocol.
            replay = self._replay(scope, key, digest)
            if replay is None:
                raise
            return replay
        return self._created(m, status.HTTP_201_CREATED)

    def _replay(self, scope: str, key: str, digest: str) -> Response | None:
        previous = IdempotencyKey.objects.filter(scope=scope, key=key).select_related("manifestation__entity").first()
        if previous is None:
            return None
        if previous.request_hash != digest:
            raise serializers.ValidationError(
                {"Idempotency-Key": ["Esta chave de idempotência já foi usada com outro conteúdo."]}
            )
        response = self._created(previous.manifestation, status.HTTP_200_OK)
        response["Idempotent-Replayed"] = "true"
        return response

    def _created(self, m: Manifestation, code: int) -> Response:
        # The registration answers with what the caller needs at once (protocol, deadline), built from the row in
        # hand: no re-read of the case and its timeline on the hottest endpoint.
        body = s.RegistrationResultSerializer(m, context={"request": self.request}).data
        return Response(body, status=code, headers={"Location": body["url"]})

    def retrieve(self, request: Request, protocol: str) -> Response:
        return self._detail(request, self.get_object())

    def _detail(self, request: Request, m: Manifestation) -> Response:
        """The case as the caller may read it; the identity given in clear is recorded as read (LGPD art. 37)."""
        view = case_view(request.user, m)
        body = s.ManifestationDetailSerializer(m, context={"case_view": view}).data
        texts = [body.get("description") or "", *(e.get("body", "") for e in body.get("timeline", []))]
        texts += [t or "" for f in body.get("forwards", []) for t in (f.get("question"), f.get("reply"))]
        personal_data_record(
            user=request.user,
            reads=[(m, view.read_in_clear(full=True, texts=texts))],
            channel="api_token" if getattr(request.user, "token", None) is not None else "api_session",
            ip_address=client_ip(request),
        )
        return Response(body)

    # --- timeline actions ---

    def _act(
        self,
        request: Request,
        payload_class: type[serializers.Serializer[Any]],
        call: Callable[..., Any],
        permission: str,
    ) -> Response:
        m = self.get_object()
        if not access_for(request.user).can(permission, m.instance.kind):
            raise PermissionDenied(denial_message(permission, m.instance.kind))
        payload = payload_class(data=request.data)
        payload.is_valid(raise_exception=True)
        actor, actor_label = _actor(request)
        call(m, actor=actor, actor_label=actor_label, **payload.validated_data)
        return self._detail(request, self.get_object())

    @extend_schema(request=s.TriageSerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"])
    def triage(self, request: Request, protocol: str) -> Response:
        return self._act(request, s.TriageSerializer, services.manifestation_triage, "triage")

    @extend_schema(request=s.AssignSerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"])
    def assignment(self, request: Request, protocol: str) -> Response:
        def assign(m: Manifestation, *, assignee: str | None, **kw: Any) -> Any:
            user = None
            if assignee:
                user = get_user_model().objects.filter(username=assignee, is_active=True).first()
                if user is None:
                    raise serializers.ValidationError({"assignee": [f"Usuário desconhecido: {assignee}."]})
            return services.manifestation_assign(m, assignee=user, **kw)

        return self._act(request, s.AssignSerializer, assign, "assignment")

    @extend_schema(request=s.MessageInSerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="messages-in")
    def message_in(self, request: Request, protocol: str) -> Response:
        return self._act(request, s.MessageInSerializer, services.manifestation_message_in, "message_in")

    @extend_schema(request=s.BodySerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="messages-out")
    def message_out(self, request: Request, protocol: str) -> Response:
        return self._act(request, s.BodySerializer, services.manifestation_message_out, "message_out")

    @extend_schema(request=s.BodySerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, protocol: str) -> Response:
        return self._act(request, s.BodySerializer, services.manifestation_note, "internal_note")

    @extend_schema(request=s.ForwardInSerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"])
    def forwards(self, request: Request, protocol: str) -> Response:
        def forward(m: Manifestation, *, area: str, **kw: Any) -> Any:
            found = Area.objects.filter(entity_id=m.entity_id, name__iexact=area.strip()).first()
            if found is None:
                raise serializers.ValidationError({"area": [f"Área desconhecida nesta entidade: {area}."]})
            return services.manifestation_forward(m, area=found, **kw)

        return self._act(request, s.ForwardInSerializer, forward, "forward")

    @extend_schema(request=s.AreaReplySerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="area-replies")
    def area_reply(self, request: Request, protocol: str) -> Response:
        def reply(m: Manifestation, *, forward: int, **kw: Any) -> Any:
            areas = access_for(request.user).area_ids
            if areas is not None and not m.forwards.filter(pk=forward, area_id__in=areas).exists():
                raise serializers.ValidationError({"forward": ["Este encaminhamento não é de uma área sua."]})
            return services.manifestation_area_reply(m, forward_id=forward, **kw)

        return self._act(request, s.AreaReplySerializer, reply, "area_reply")

    @extend_schema(request=s.BodySerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="complement-requests")
    def complement_request(self, request: Request, protocol: str) -> Response:
        return self._act(request, s.BodySerializer, services.manifestation_request_complement, "complement_request")

    @extend_schema(request=s.ExtensionSerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"])
    def extension(self, request: Request, protocol: str) -> Response:
        return self._act(request, s.ExtensionSerializer, services.deadline_extend, "extension")

    @extend_schema(request=s.MeritsSerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"])
    def merits(self, request: Request, protocol: str) -> Response:
        return self._act(request, s.MeritsSerializer, services.manifestation_set_merits, "merits")

    @extend_schema(request=s.BodySerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, protocol: str) -> Response:
        return self._act(request, s.BodySerializer, services.manifestation_answer, "answer")

    @extend_schema(request=s.NoteSerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"])
    def closure(self, request: Request, protocol: str) -> Response:
        return self._act(request, s.NoteSerializer, services.manifestation_close, "closure")

    @extend_schema(request=s.ReasonSerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopening(self, request: Request, protocol: str) -> Response:
        return self._act(request, s.ReasonSerializer, services.manifestation_reopen, "reopening")

    @extend_schema(request=s.EvaluationSerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"])
    def evaluation(self, request: Request, protocol: str) -> Response:
        return self._act(request, s.EvaluationSerializer, services.manifestation_evaluate, "evaluation")

    @extend_schema(request={"multipart/form-data": s.AttachmentInSerializer}, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request: Request, protocol: str) -> Response:
        def attach(m: Manifestation, *, file: UploadedFile[bytes], **kw: Any) -> Any:
            return services.manifestation_attach(m, upload=file, **kw)

        return self._act(request, s.AttachmentInSerializer, attach, "attachment")

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>[0-9]+)")
    def attachment(self, request: Request, protocol: str, attachment_id: str) -> FileResponse | Response:
        """The file, to callers who may see the case; always as a download, never rendered inline."""
        m = self.get_object()
        found = Attachment.objects.filter(manifestation=m, pk=attachment_id).select_related("event").first()
        if found is None or not case_view(request.user, m).may_download(found):
            raise Http404
        personal_data_record(
            user=request.user,
            reads=[(m, [f"attachment:{found.pk}"])],
            channel="api_attachment",
            ip_address=client_ip(request),
        )
        opened = stored_file_open(found.file, what=f"attachment {found.pk}")
        if isinstance(opened, str):
            return Response({"detail": opened}, status=UNREADABLE_STATUS)
        reader, length = opened
        response = PlainFileResponse(
            reader, as_attachment=True, filename=found.original_name, content_type=found.content_type
        )
        response["Content-Length"] = str(length)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    @extend_schema(request=s.LinkSerializer, responses=s.ManifestationDetailSerializer)
    @action(detail=True, methods=["post"])
    def links(self, request: Request, protocol: str) -> Response:
        def link(m: Manifestation, *, protocol: str, **kw: Any) -> Any:
            return services.manifestation_link(m, other_protocol=protocol, **kw)

        return self._act(request, s.LinkSerializer, link, "link")


@extend_schema(parameters=[s.DeadlineQuerySerializer], responses=dict)
@api_view(["GET"])
def deadline(request: Request) -> Response:
    """The due date of a policy for a date of receipt (the same answer as ``manage.py deadline``)."""
    query = s.DeadlineQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    entity = None
    if data.get("entity"):
        entity = accessible_entities(request.user).filter(slug=data["entity"]).first()
        if entity is None:
            raise serializers.ValidationError({"entity": ["Entidade desconhecida ou sem acesso."]})
    return Response(
        deadline_answer(
            policy_code=data["policy"],
            received=data["received"],
            state=data.get("uf", ""),
            city=data.get("city", ""),
            entity=entity,
        )
    )


@extend_schema(responses=dict)
@api_view(["GET"])
def catalogues(request: Request) -> Response:
    """Codes accepted by the registration endpoint."""
    return Response(
        {
            # Each entity's subject catalogues (issue 14): registration accepts only the subjects of these.
            "entities": [
                {
                    "slug": e.slug,
                    "name": e.name,
                    "regime": e.regime,
                    "state": e.state,
                    "city": e.city,
                    "subject_catalogues": list(entity_catalogues(e)),
                }
                for e in accessible_entities(request.user)
            ],
            "instances": list(Instance.objects.values("code", "label", "kind")),
            "media": list(Medium.objects.values("code", "label")),
            "record_types": list(RecordType.objects.values("code", "label")),
            "subjects": [
                {
                    "code": s.code,
                    "label": s.label,
                    "area": s.area,
                    "topic": s.topic,
                    "catalogues": [c.pk for c in s.catalogues.all()],
                }
                for s in Subject.objects.filter(active=True).prefetch_related("catalogues")
            ],
            "policies": list(DeadlinePolicy.objects.values("code", "label", "unit", "days", "source")),
        }
    )
