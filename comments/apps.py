from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from django.core.signals import request_finished, request_started, setting_changed
        from django.db.models.signals import post_delete, post_save

        from blog import article_page
        from blog.models import Correction
        from comments import (
            article_section,
            discussion,
            following,
            privacy,
            signals,
            tasks,  # noqa: F401 - its receiver queues the daily desk count
            verification,
        )
        from comments.models import Comment, DiscussionSettings, SectionHours
        from core import privacy as registry

        post_save.connect(signals.comment_saved, sender=Comment, dispatch_uid="comment_saved")
        post_delete.connect(signals.comment_deleted, sender=Comment, dispatch_uid="comment_deleted")
        post_save.connect(
            signals.discussion_settings_saved,
            sender=DiscussionSettings,
            dispatch_uid="discussion_settings_saved",
        )
        for signal in (post_save, post_delete):
            signal.connect(
                signals.section_hours_changed,
                sender=SectionHours,
                dispatch_uid=f"section_hours_changed_{signal is post_save}",
            )
        setting_changed.connect(signals.django_setting_changed, dispatch_uid="comments_settings")
        request_started.connect(discussion.request_began, dispatch_uid="comments_rules_begin")
        request_finished.connect(discussion.request_ended, dispatch_uid="comments_rules_end")
        registry.register(
            "comments",
            label=_("Comments (anonymized: the text stays and every thread keeps its shape)"),
            exporter=privacy.export_comments,
            eraser=privacy.erase_comments,
            counter=privacy.count_comments,
        )
        registry.register(
            "commenter_addresses",
            label=_("Confirmations of the address as a returning commenter"),
            exporter=verification.export_addresses,
            eraser=verification.erase_addresses,
        )
        registry.register(
            "discussion_follows",
            label=_("Discussions followed by email"),
            exporter=following.export_follows,
            eraser=following.erase_follows,
        )
        article_page.register(article_section.EXTENSION)
        # A correction or update of an article is told to those who follow its discussion.
        post_save.connect(
            following.correction_saved, sender=Correction, dispatch_uid="comments_correction"
        )
