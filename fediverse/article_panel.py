"""The article's fediverse figures on its admin page, through blog.admin_panels: counts only."""

from django.template.loader import render_to_string

from fediverse import reactions
from fediverse.models import RemoteNote


def article_figures(request, article) -> str:
    if not request.user.has_perm("blog.view_article"):
        return ""
    counts = reactions.reaction_counts(article.pk)
    return render_to_string(
        "admin/fediverse/article_panel.html",
        {
            "likes": counts["like"],
            "boosts": counts["boost"],
            "replies": RemoteNote.objects.filter(comment__article_id=article.pk).count(),
        },
    )
