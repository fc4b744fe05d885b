"""The client address behind proxies: only what our proxies wrote, only real IP addresses."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from comments.models import Comment
from core.client_address import client_ip
from newsletter.models import Subscriber
from tests.factories import make_article, post_form_data
from tests.newsletter.helpers import signup_data

HOSTILE_HOPS = ["203.0.113.5:4711", "unknown", "<script>", "", "999.1.1.1", "fe80::1%eth0x"]


@pytest.mark.parametrize("hop", HOSTILE_HOPS)
def test_a_forwarded_hop_that_is_not_an_ip_address_makes_the_address_unknown(settings, hop):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=hop or " ,")
    assert client_ip(request) is None


def test_fewer_hops_than_proxies_falls_back_to_remote_addr_not_a_client_written_hop(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66"
    )
    assert client_ip(request) == "10.0.0.1"


def test_ipv6_addresses_are_kept_normalised(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="2001:DB8:0:0::1"
    )
    assert client_ip(request) == "2001:db8::1"


def test_a_remote_addr_that_is_not_an_address_is_unknown():
    request = RequestFactory().get("/", REMOTE_ADDR="unix:/run/gunicorn.sock")
    assert client_ip(request) is None


@pytest.mark.django_db
@pytest.mark.parametrize("hop", ["203.0.113.5:4711", "unknown", "<script>"])
def test_a_comment_posted_with_a_hostile_forwarded_header_stores_no_address(client, settings, hop):
    settings.TRUSTED_PROXY_COUNT = 1
    article = make_article()
    response = client.post(
        reverse("comments:post", args=[article.pk]),
        post_form_data(article),
        headers={"x-forwarded-for": hop},
    )
    assert response.status_code == 302
    assert Comment.objects.get().ip_address is None


@pytest.mark.django_db
def test_a_newsletter_signup_with_a_hostile_forwarded_header_stores_no_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.post(
        reverse("newsletter:signup"), signup_data(), headers={"x-forwarded-for": "<script>"}
    )
    assert response.status_code == 302
    assert Subscriber.objects.get().ip_address is None
