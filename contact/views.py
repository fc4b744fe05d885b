import logging

from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contact import conf
from contact.forms import ContactForm
from contact.services import contact_message_receive
from core import ratelimit
from core.client_address import client_ip
from pages.models import Page
from pages.views import render_page

PAGE_TEMPLATE = "contact/page.html"
logger = logging.getLogger(__name__)


def contact_page():
    """The published page that shows the contact form (the first by address), or None."""
    return Page.objects.published().filter(template=PAGE_TEMPLATE).order_by("path").first()


RATE_LIMIT = ratelimit.PerAddress("contact", conf, "CONTACT_RATE_LIMIT", "CONTACT_RATE_WINDOW")


@require_POST
def send(request):
    """The contact form posts here; a refusal shows the page again with everything typed."""
    page = contact_page()
    if page is None:
        raise Http404(_("There is no contact page."))
    form = ContactForm(request.POST)
    ip = client_ip(request)
    if RATE_LIMIT.reached(ip):
        form.is_valid()  # keeps the typed text bound, errors and all
        form.add_error(None, _("Too many messages from your connection. Wait a few minutes."))
        status = 429
    elif form.is_valid():
        try:
            contact_message_receive(
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
                ip_address=ip,
            )
        except DatabaseError:
            # Locked, read-only or refusing writes: a fault of ours, said as such, text kept.
            logger.exception("Contact message not saved: database error")
            form.add_error(
                None,
                _(
                    "Your message could not be saved just now. Wait a moment, then send it "
                    "again: your text is kept below."
                ),
            )
            status = 503
        else:
            RATE_LIMIT.count(ip)
            return redirect("contact:sent")
    else:
        status = 400
    form.refresh_timestamp()
    response = render_page(request, page, status=status, contact_form=form)
    response["Cache-Control"] = "private, no-cache"
    if status == 503:
        response["Retry-After"] = "30"
    return response


@require_GET
def sent(request):
    return render(request, "contact/sent.html")
