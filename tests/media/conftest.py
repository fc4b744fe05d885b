import pytest
from django.urls import reverse

from tests.factories import make_author, make_user

UPLOAD = reverse("admin:media_upload")
CHOOSER = reverse("admin:media_chooser")
CHANGELIST = reverse("admin:media_image_changelist")


@pytest.fixture
def editor(client):
    user = make_user(groups=["Editors"])
    client.force_login(user)
    return user


@pytest.fixture
def author_user(client):
    user = make_user(groups=["Authors"])
    make_author(user=user, display_name="Anna Autrice")
    client.force_login(user)
    return user
