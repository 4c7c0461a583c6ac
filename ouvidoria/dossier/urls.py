from django.urls import path

from ouvidoria.dossier import views

app_name = "dossier"
urlpatterns = [
    path("verificar/", views.dossier_verify, name="verify"),
    path("<str:protocol>.pdf", views.dossier_download, name="download"),
]
