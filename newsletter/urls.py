from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.signup, name="signup"),
    path("newsletter/controlla-la-posta/", views.check_inbox, name="check-inbox"),
    path("newsletter/conferma/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/disiscrizione/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("newsletter/archivio/", views.IssueArchiveView.as_view(), name="archive"),
    # Last: an issue's slug may not shadow the pages above (newsletter.models.RESERVED_SLUGS).
    path("newsletter/<slug:slug>/", views.IssueDetailView.as_view(), name="issue"),
]
