from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from comments import signals
        from comments.models import Comment

        post_save.connect(signals.comment_saved, sender=Comment, dispatch_uid="comment_saved")
        post_delete.connect(signals.comment_deleted, sender=Comment, dispatch_uid="comment_deleted")
