from django import template

from newsletter.forms import SignupForm

register = template.Library()


@register.inclusion_tag("newsletter/signup_form.html", takes_context=True)
def newsletter_signup(context):
    """The footer sign-up form, on every page but the ones that show it in their content."""
    return {
        "form": None if context.get("newsletter_page") else SignupForm(),
        "show_heading": True,
    }
