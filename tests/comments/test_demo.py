import io

import pytest
from django.core.management import call_command

from blog.demo import FLAGSHIP_SLUG
from blog.models import Article
from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagship(settings):
    settings.IMAGE_RENDITION_WIDTHS = (480,)
    call_command("load_demo", stdout=io.StringIO())
    return Article.objects.get(slug=FLAGSHIP_SLUG)


def test_flagship_gains_a_seventeen_comment_discussion(flagship, client):
    comments = Comment.objects.filter(article=flagship)
    assert comments.public().count() == 17
    assert comments.filter(status=Comment.Status.PENDING).count() >= 2
    assert comments.public().filter(level=2).exists()
    assert not comments.filter(level__gt=2).exists()
    assert comments.public().filter(author_name="").exists()
    assert any(ord(ch) > 0x1F000 for c in comments.public() for ch in c.body)

    html = client.get(flagship.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    assert f"17 comments on «{flagship.title}»" in html
    assert html.count('class="comment ') == 17


def test_loading_the_demo_twice_posts_no_comment_twice(flagship):
    before = Comment.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Comment.objects.count() == before
    before_tree = list(Comment.objects.values_list("pk", "tree_id", "lft", "rght"))
    Comment.objects.rebuild()
    assert list(Comment.objects.values_list("pk", "tree_id", "lft", "rght")) == before_tree
