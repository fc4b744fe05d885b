"""Password reset for staff, from the admin's login page ("Forgotten your password?").

Django's own views and templates, with the admin's header; the email leaves through the mail
queue like every other (core.mail_queue), so the request never waits on SMTP.
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path


class _AdminContext:
    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


class PasswordResetView(_AdminContext, auth_views.PasswordResetView):
    pass


class PasswordResetDoneView(_AdminContext, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(_AdminContext, auth_views.PasswordResetConfirmView):
    pass


class PasswordResetCompleteView(_AdminContext, auth_views.PasswordResetCompleteView):
    pass


# The names Django's views and email template reverse, outside any namespace.
urlpatterns = [
    path("admin/password-reset/", PasswordResetView.as_view(), name="admin_password_reset"),
    path("admin/password-reset/sent/", PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "admin/password-reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/password-reset/done/",
        PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
