from django.urls import path

from ouvidoria.workspace import previews, views

app_name = "workspace"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("exportar.<str:fmt>", views.queue_export, name="queue_export"),
    path("atribuir/", views.bulk_assign, name="bulk_assign"),
    path("filtros/", views.filter_save, name="filter_save"),
    path("filtros/<int:pk>/excluir/", views.filter_delete, name="filter_delete"),
    path("registrar/", views.register, name="register"),
    path("registrar/assuntos/", views.subject_options, name="subjects"),
    path("registrar/elegibilidade/", views.eligibility_check, name="eligibility"),
    path("registrar/historico/", views.requester_history, name="requester_history"),
    path("conversas/<str:protocol>/", views.conversation, name="conversation"),
    path("m/<str:protocol>/", views.case, name="case"),
    path("m/<str:protocol>/dados-pessoais/", views.case_personal_data, name="case_personal_data"),
    path("m/<str:protocol>/anexos/<int:pk>/", views.case_attachment, name="case_attachment"),
    path("m/<str:protocol>/previa/<slug:action>/", previews.case_email_preview, name="case_email_preview"),
    path("m/<str:protocol>/<slug:action>/", views.case_action, name="case_action"),
]
