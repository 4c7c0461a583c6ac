from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # First: integrations call the API hardest, and every pattern tried before it costs each of their requests.
    path("api/", include("ouvidoria.api.urls")),
    path("", include("ouvidoria.front.urls")),
    path("", include("ouvidoria.rights.urls")),
    path("", include("ouvidoria.portal.urls")),
    path("", include("ouvidoria.accounts.urls")),
    path("painel/indicadores/", include("ouvidoria.indicators.urls")),
    path("painel/relatorios/", include("ouvidoria.reports.urls")),
    path("painel/opin/", include("ouvidoria.opin.urls")),
    path("painel/importacoes/", include("ouvidoria.imports.urls")),
    path("painel/auditoria/", include("ouvidoria.audit.urls")),
    path("painel/retencao/", include("ouvidoria.retention.urls")),
    path("painel/notificacoes/", include("ouvidoria.inbox.urls")),
    path("painel/dossie/", include("ouvidoria.dossier.urls")),
    path("painel/", include("ouvidoria.workspace.urls")),
    path("admin/", admin.site.urls),
]
