from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from blog.models import Page
from blog.page_views import render_page
from contact import conf
from contact.forms import ContactForm
from contact.services import contact_message_receive
from core.client_address import client_ip

PAGE_TEMPLATE = "contact/page.html"


def contact_page():
    """The published page that shows the contact form (the first by address), or None."""
    return Page.objects.published().filter(template=PAGE_TEMPLATE).order_by("path").first()


def _rate_key(ip: str | None) -> str:
    return f"contact:rate:{ip or 'unknown'}"


def _rate_limited(ip: str | None) -> bool:
    return (cache.get(_rate_key(ip)) or 0) >= conf.get("CONTACT_RATE_LIMIT")


def _count(ip: str | None) -> None:
    key, window = _rate_key(ip), conf.get("CONTACT_RATE_WINDOW")
    cache.add(key, 0, window)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)


@require_POST
def send(request):
    """The contact form posts here; a refusal shows the page again with everything typed."""
    page = contact_page()
    if page is None:
        raise Http404(_("There is no contact page."))
    form = ContactForm(request.POST)
    ip = client_ip(request)
    if _rate_limited(ip):
        form.is_valid()  # keeps the typed text bound, errors and all
        form.add_error(None, _("Too many messages from your connection. Wait a few minutes."))
        status = 429
    elif form.is_valid():
        contact_message_receive(
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            subject=form.cleaned_data["subject"],
            message=form.cleaned_data["message"],
            ip_address=ip,
        )
        _count(ip)
        return redirect("contact:sent")
    else:
        status = 400
    form.refresh_timestamp()
    response = render_page(request, page, status=status, contact_form=form)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def sent(request):
    return render(request, "contact/sent.html")
