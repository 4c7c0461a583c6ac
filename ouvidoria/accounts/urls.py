from django.urls import path

from ouvidoria.accounts import views

app_name = "accounts"
urlpatterns = [
    path("entrar/", views.SignInView.as_view(), name="login"),
    path("entrar/codigo/", views.otp_verify, name="otp_verify"),
    path("conta/dois-fatores/", views.totp_setup, name="totp_setup"),
    path("sair/", views.sign_out, name="logout"),
]
