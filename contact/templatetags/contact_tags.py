from django import template

from contact.forms import ContactForm

register = template.Library()


@register.inclusion_tag("contact/form.html", takes_context=True)
def contact_form(context):
    """The contact form: the bound one after a refusal, a fresh one otherwise."""
    return {"form": context.get("contact_form") or ContactForm(), "request": context.get("request")}
