from django.urls import path

from ouvidoria.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("formulas/", views.formulas, name="formulas"),
    path("exportar/<str:table>.<str:fmt>", views.export, name="export"),
]
