from django import template

from newsletter.forms import SignupForm

register = template.Library()


@register.inclusion_tag("newsletter/signup_form.html", takes_context=True)
def newsletter_signup(context):
    """The footer sign-up form, on every page but the ones that show it in their content."""
    article = context.get("article")
    on_article = (
        getattr(article, "_meta", None) is not None
        and article._meta.label == "blog.Article"
        and not context.get("preview")
    )
    initial = {"article": article.pk} if on_article else {}
    return {
        "form": None if context.get("newsletter_page") else SignupForm(initial=initial),
        "show_heading": True,
    }
