"""The page a confirmation link opens: a button (POST) confirms, a mail scanner's GET does not."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from comments.verification import address_confirm, read_token, remember_proof


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_address(request, token: str):
    address = read_token(token)
    if address is None:
        return render(request, "comments/confirm_address.html", {"invalid": True}, status=400)
    if request.method == "POST":
        address_confirm(address=address)
    confirmed = request.method == "POST"
    response = render(
        request, "comments/confirm_address.html", {"token": token, "confirmed": confirmed}
    )
    if confirmed:
        # This browser has proved the address; another one typing it has not.
        remember_proof(response, address)
    return response
