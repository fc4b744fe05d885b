from django import template

from comments.article_section import SECTION_TEMPLATE, section_context

register = template.Library()


@register.inclusion_tag(SECTION_TEMPLATE, takes_context=True)
def comments_section(context, article):
    """The comment section on its own; the article page gets it through blog.article_page."""
    return section_context(context, article)
