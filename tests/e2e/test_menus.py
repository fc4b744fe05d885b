"""The header menu in a real browser: a button on phones that works without JavaScript, and a
submenu that opens for the keyboard on wide screens."""

import pytest

from pages.models import Menu, MenuItem, Page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def menu():
    about = Page.objects.create(title="Chi siamo", slug="chi-siamo", status="published")
    team = Page.objects.create(
        title="La redazione", slug="redazione", parent=about, status="published"
    )
    header = Menu.objects.create(location=Menu.Location.HEADER)
    top = MenuItem.objects.create(menu=header, page=about, order=1)
    MenuItem.objects.create(menu=header, page=team, parent=top, order=1)


def test_phone_menu_opens_without_javascript(open_page, menu):
    page = open_page(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page.goto("/")
    assert not page.locator(".menu-wide").is_visible()
    link = page.locator(".menu-narrow a[href='/chi-siamo/redazione/']")
    assert not link.is_visible()
    page.locator(".menu-narrow summary").focus()
    page.keyboard.press("Enter")
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/chi-siamo/redazione/")


def test_wide_submenu_opens_for_the_keyboard(open_page, menu):
    page = open_page(viewport={"width": 1280, "height": 800})
    page.goto("/")
    assert not page.locator(".menu-narrow").is_visible()
    sub = page.locator(".menu-wide .submenu a[href='/chi-siamo/redazione/']")
    assert not sub.is_visible()
    page.locator(".menu-wide a[href='/chi-siamo/']").focus()
    assert sub.is_visible()
    page.keyboard.press("Tab")
    assert sub.evaluate("node => node === document.activeElement")
