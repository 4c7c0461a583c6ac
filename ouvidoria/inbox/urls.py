from django.urls import path

from ouvidoria.inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.notifications, name="list"),
    path("<int:pk>/abrir/", views.notification_open, name="open"),
    path("lidas/", views.notifications_mark_read, name="mark_read"),
    path("preferencias/", views.preferences, name="preferences"),
]
