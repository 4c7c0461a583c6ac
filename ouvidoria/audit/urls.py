from django.urls import path

from ouvidoria.audit import views

app_name = "audit"
urlpatterns = [
    path("acessos/", views.reads, name="reads"),
    path("acessos/exportar.<str:fmt>", views.reads_export, name="reads_export"),
    path("cadeia/", views.chain, name="chain"),
    path("cadeia/exportar.<str:fmt>", views.chain_export, name="chain_export"),
]
