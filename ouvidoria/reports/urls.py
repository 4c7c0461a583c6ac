from django.urls import path

from ouvidoria.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("novo/", views.report_new, name="new"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/progresso/", views.report_progress, name="progress"),
    path("<int:pk>/arquivo.<str:fmt>", views.report_file, name="file"),
]
