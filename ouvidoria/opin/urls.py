from django.urls import path

from ouvidoria.opin import views

app_name = "opin"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("<slug:slug>/<str:quarter>/gerar/", views.generate, name="generate"),
    path("<slug:slug>/<str:quarter>/progresso/", views.progress, name="progress"),
    path("<slug:slug>/<str:quarter>/enviado/", views.mark_sent, name="mark_sent"),
    path("arquivo/<int:pk>/", views.download, name="download"),
]
