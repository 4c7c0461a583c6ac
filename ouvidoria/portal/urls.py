from django.urls import path

from ouvidoria.portal import chat, views

app_name = "portal"
urlpatterns = [
    path("atendimento/", views.portal_home, name="home"),
    path("atendimento/<slug:slug>/", views.entity_home, name="entity"),
    path("atendimento/<slug:slug>/fale-conosco/", views.contact, name="contact"),
    path("atendimento/<slug:slug>/ouvidoria/", views.ombudsman, name="ombudsman"),
    path("atendimento/<slug:slug>/recebida/", views.received, name="received"),
    path("atendimento/<slug:slug>/relatorios/", views.reports, name="reports"),
    path("atendimento/<slug:slug>/relatorios/<int:pk>.pdf", views.report_pdf, name="report_pdf"),
    path("assistente/", chat.assistant, name="chat"),
    path("perguntas-frequentes/", views.faq, name="faq"),
    path("perguntas-frequentes/<slug:slug>/", views.faq_article, name="faq_article"),
    path("acompanhar/", views.lookup, name="lookup"),
    path("acompanhar/<str:protocol>/", views.case, name="case"),
    path("acompanhar/<str:protocol>/complemento/", views.complement, name="complement"),
    path("acompanhar/<str:protocol>/avaliacao/", views.evaluate, name="evaluate"),
]
