from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from ouvidoria.api import errors, schema, views  # noqa: F401  (schema: registers the OpenAPI extensions)

router = SimpleRouter()
router.register("manifestations", views.ManifestationViewSet, basename="manifestation")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("v1/deadline/", views.deadline, name="api-deadline"),
    path("v1/catalogues/", views.catalogues, name="api-catalogues"),
    path("v1/", include(router.urls)),
    # Last: anything else under /api/ (a protocol in the wrong format included) answers the API's JSON 404;
    # [\s\S] because "." stops at a newline, and an address with %0A got Django's HTML page.
    re_path(r"^[\s\S]*$", errors.not_found, name="api-not-found"),
]
