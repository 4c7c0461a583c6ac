from django.urls import path

from ouvidoria.front import views

urlpatterns = [path("", views.home, name="home")]
