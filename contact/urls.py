from django.urls import path

from contact import views

app_name = "contact"

urlpatterns = [
    path("contatto/invia/", views.send, name="send"),
    path("contatto/inviato/", views.sent, name="sent"),
]
