from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.signup, name="signup"),
    path("newsletter/controlla-la-posta/", views.check_inbox, name="check-inbox"),
    path("newsletter/conferma/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/disiscrizione/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
