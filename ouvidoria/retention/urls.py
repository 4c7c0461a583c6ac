from django.urls import path

from ouvidoria.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.plan, name="plan"),
    path("bloqueios/", views.hold_place, name="hold_place"),
    path("bloqueios/<int:pk>/retirar/", views.hold_release, name="hold_release"),
]
