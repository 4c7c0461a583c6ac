from django.urls import path

from ouvidoria.rights import views

app_name = "rights"
urlpatterns = [
    path("atendimento/<slug:slug>/direitos-lgpd/", views.request_form, name="request_form"),
    path("acompanhar/<str:protocol>/documentos/<int:pk>/", views.portal_document, name="portal_document"),
    path("painel/m/<str:protocol>/direitos/", views.panel, name="panel"),
    path("painel/m/<str:protocol>/direitos/<slug:action>/", views.action, name="action"),
]
