"""The one sanitizer: an allowlist for article bodies, escaped and linkified text for comments."""

import threading
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import pytest

from blog.models import Article
from core import sanitizer
from core.sanitizer import clean_article_html, render_comment_text, strip_all_tags
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


class _Collector(HTMLParser):
    """What a browser would see: tags, and attribute values with entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.attributes = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)

    handle_startendtag = handle_starttag


def parsed(html):
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def url_schemes(html):
    """The scheme of every href/src, as a browser decodes it (control characters dropped)."""
    schemes = []
    for _tag, name, value in parsed(html).attributes:
        if name in ("href", "src", "cite", "action", "formaction"):
            decoded = "".join(ch for ch in value if ch.isprintable() and not ch.isspace())
            schemes.append(decoded.split(":", 1)[0].lower() if ":" in decoded else "")
    return schemes


# Articles: what is kept.


@pytest.mark.parametrize(
    "html",
    [
        "<p>Un paragrafo.</p>",
        "<h2>Titolo</h2>",
        "<h3>Sotto</h3>",
        "<h4>Sotto ancora</h4>",
        "<ul><li>uno</li><li>due</li></ul>",
        '<ol start="3"><li>tre</li></ol>',
        "<blockquote><p>Una citazione.</p></blockquote>",
        '<p><a href="https://example.com/pagina">un link</a></p>',
        '<p><a href="http://example.com/">http</a></p>',
        '<p><a href="mailto:redazione@example.com">scrivici</a></p>',
        '<img src="https://example.com/a.jpg" alt="Una foto">',
        '<figure><img src="/media/a.jpg" alt="x"><figcaption>Didascalia</figcaption></figure>',
        "<pre><code>print(1)</code></pre>",
        "<p><code>x = 1</code></p>",
        "<p><strong>forte</strong> e <em>enfasi</em></p>",
    ],
)
def test_article_allowlist_keeps_editorial_markup(html):
    assert clean_article_html(html) == html


@pytest.mark.parametrize(
    ("dirty", "tag"),
    [
        ("<script>alert(1)</script>", "script"),
        ("<style>p { color: red }</style>", "style"),
        ('<iframe src="https://evil.example/"></iframe>', "iframe"),
        ('<object data="x.swf"></object>', "object"),
        ('<embed src="x.swf">', "embed"),
        ('<form action="https://evil.example/"><input name="q"></form>', "form"),
        ("<svg><script>alert(1)</script></svg>", "svg"),
    ],
)
def test_article_drops_dangerous_elements(dirty, tag):
    cleaned = clean_article_html("<p>prima</p>" + dirty + "<p>dopo</p>")
    tags = parsed(cleaned).tags
    assert tag not in tags
    assert "script" not in tags
    assert tags == ["p", "p"]


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert('rubato')</script>",
        "<style>body { display: none }</style>",
        "<script type='text/javascript'>\n// <![CDATA[\nalert('rubato')\n// ]]>\n</script>",
        "<svg><script>alert('rubato')</script></svg>",
        "<svg><style>body { display: none }</style></svg>",
    ],
)
def test_article_drops_script_and_style_contents_not_just_the_tags(dirty):
    # Word and web pastes bring <style> blocks: their text must not land in the article.
    cleaned = clean_article_html("<p>prima</p>" + dirty + "<p>dopo</p>")
    assert cleaned == "<p>prima</p><p>dopo</p>"


def test_article_keeps_text_after_a_dropped_script():
    cleaned = clean_article_html("<p>a<script>x()</script>b</p>c")
    assert cleaned == "<p>ab</p>c"


@pytest.mark.parametrize(
    "attribute",
    [
        'onclick="steal()"',
        "onmouseover=steal()",
        'ONLOAD="steal()"',
        'style="background:url(javascript:alert(1))"',
        'class="x"',
        'id="x"',
    ],
)
def test_article_drops_event_handlers_and_unlisted_attributes(attribute):
    cleaned = clean_article_html(f"<p {attribute}>testo</p>")
    assert cleaned == "<p>testo</p>"


def test_article_drops_onerror_on_images():
    cleaned = clean_article_html('<img src="https://example.com/a.jpg" onerror="alert(1)">')
    assert cleaned == '<img src="https://example.com/a.jpg">'


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\tscript:alert(1)",
        "java&#x09;script:alert(1)",
        "&#106;avascript:alert(1)",
        "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116:alert(1)",
        "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
        "javascript&colon;alert(1)",
        "jav&#x0A;ascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DaTa:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "&#118;bscript:msgbox(1)",
        "file:///etc/passwd",
    ],
)
@pytest.mark.parametrize("template", ['<a href="{}">link</a>', '<img src="{}" alt="x">'])
def test_article_refuses_dangerous_url_schemes(template, url):
    cleaned = clean_article_html(template.format(url))
    schemes = url_schemes(cleaned)
    assert not {"javascript", "vbscript", "data", "file"} & set(schemes), cleaned
    assert "link" in cleaned or "<img" in cleaned  # the element itself survives, harmless


@pytest.mark.parametrize(("tag"), ["h1", "h5", "h6"])
def test_article_strips_unlisted_headings_to_text(tag):
    assert clean_article_html(f"<{tag}>Titolo</{tag}><p>testo</p>") == "Titolo<p>testo</p>"


def test_article_strips_comments():
    assert clean_article_html("<p>a<!-- nota interna --></p>") == "<p>a</p>"


def test_article_empty_input_is_empty_string():
    assert clean_article_html("") == ""
    assert clean_article_html(None) == ""


def test_article_keeps_unicode_and_emoji():
    html = "<p>Perché sì: città, caffè, 東京 e 🎉</p>"
    assert clean_article_html(html) == html


def test_article_escapes_stray_angle_brackets():
    assert clean_article_html("<p>3 < 5 & 7 > 2</p>") == "<p>3 &lt; 5 &amp; 7 &gt; 2</p>"


# Saving an article sanitizes it, whoever saves it.


def test_orm_create_sanitizes_the_body():
    article = make_article(body='<p onclick="x()">ok</p><script>alert(1)</script>')
    stored = Article.objects.get(pk=article.pk).body
    assert stored == "<p>ok</p>"


def test_orm_save_sanitizes_the_body():
    article = make_article()
    article.body = '<p>nuovo</p><a href="javascript:alert(1)">x</a><iframe src="x"></iframe>'
    article.save()
    stored = Article.objects.get(pk=article.pk).body
    assert "javascript" not in stored
    assert "iframe" not in stored
    assert stored.startswith("<p>nuovo</p>")


def test_objects_create_directly_sanitizes_the_body():
    article = Article.objects.create(
        title="Diretto", slug="diretto", author=make_author(), body="<h1>Grande</h1><p>x</p>"
    )
    assert Article.objects.get(pk=article.pk).body == "Grande<p>x</p>"


# Comments.


def test_comment_html_is_escaped():
    rendered = render_comment_text('<script>alert("x")</script> & <b>grassetto</b>')
    assert "<script>" not in rendered
    assert "<b>" not in rendered
    assert "&lt;script&gt;" in rendered
    assert "&amp;" in rendered
    assert parsed(rendered).tags == ["p"]


def test_comment_urls_are_linkified_with_nofollow_ugc_noopener():
    rendered = render_comment_text("Guarda https://example.com/pagina?a=1&b=2 e www.esempio.it")
    links = [(n, v) for tag, n, v in parsed(rendered).attributes if tag == "a"]
    hrefs = [v for n, v in links if n == "href"]
    rels = [v for n, v in links if n == "rel"]
    assert hrefs == ["https://example.com/pagina?a=1&b=2", "http://www.esempio.it"]
    assert rels == ["nofollow ugc noopener", "nofollow ugc noopener"]


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "clicca javascript:alert(document.cookie)",
        '<a href="javascript:alert(1)">x</a>',
        "data:text/html;base64,PHNjcmlwdD4=",
        "mailto:qualcuno@example.com",
    ],
)
def test_comment_non_web_urls_are_not_linked(text):
    rendered = render_comment_text(text)
    assert parsed(rendered).tags == ["p"]
    assert parsed(rendered).attributes == []


def test_comment_markdown_style_link_cannot_inject_attributes():
    rendered = render_comment_text('https://example.com/" onmouseover="alert(1)')
    for tag, name, _value in parsed(rendered).attributes:
        assert not name.startswith("on"), (tag, name)


def test_comment_paragraphs_from_blank_lines_and_br_from_single_newlines():
    rendered = render_comment_text("Prima riga\nseconda riga\n\nNuovo paragrafo")
    assert rendered == "<p>Prima riga<br>seconda riga</p>\n<p>Nuovo paragrafo</p>"


def test_comment_windows_newlines_and_extra_blank_lines():
    rendered = render_comment_text("uno\r\ndue\r\n\r\n\r\n\r\ntre\n")
    assert rendered == "<p>uno<br>due</p>\n<p>tre</p>"


def test_comment_line_of_spaces_separates_paragraphs_like_a_blank_line():
    rendered = render_comment_text("Primo paragrafo   \n  \t \nSecondo\n \n\n Terzo")
    assert rendered == "<p>Primo paragrafo   </p>\n<p>Secondo</p>\n<p> Terzo</p>"


def test_comment_keeps_emoji_and_any_unicode():
    text = "Bellissimo 😍👍🏽 — perché è così? 日本語 עברית Ελληνικά"
    assert render_comment_text(text) == f"<p>{text}</p>"


def test_comment_empty_text_renders_nothing():
    assert render_comment_text("") == ""
    assert render_comment_text("   \n\n  ") == ""
    assert render_comment_text(None) == ""


def test_strip_all_tags_gives_plain_text():
    html = "<p>Il <strong>caffè</strong> &amp; il latte</p>"
    assert strip_all_tags(html) == "Il caffè & il latte"


# Thread safety: bleach's Cleaner and Linker keep per-call state.


def test_each_thread_gets_its_own_cleaner_and_linker():
    objects = {}
    barrier = threading.Barrier(2)

    def grab(name):
        barrier.wait()  # both threads alive at once, so ids cannot be recycled
        objects[name] = (sanitizer._article_cleaner(), sanitizer._comment_linker())
        barrier.wait()

    threads = [threading.Thread(target=grab, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    (cleaner_a, linker_a), (cleaner_b, linker_b) = objects["a"], objects["b"]
    assert cleaner_a is not cleaner_b
    assert linker_a is not linker_b
    # ...and a thread reuses its own.
    assert sanitizer._article_cleaner() is sanitizer._article_cleaner()


def _article_inputs():
    inputs = []
    for n in range(200):
        inputs.append(
            f'<h2 onclick="x{n}()">Titolo {n}</h2>'
            f"<p>Paragrafo {n} con <strong>grassetto</strong> e "
            f'<a href="https://example.com/{n}" onmouseover="y()">link</a>'
            f'<a href="javascript:alert({n})">male</a></p>'
            f"<script>alert({n})</script><h1>{n}</h1>" + "<ul><li>voce</li></ul>" * (n % 7)
        )
    return inputs


def test_concurrent_cleaning_gives_the_same_results_as_single_threaded():
    inputs = _article_inputs()
    expected = [clean_article_html(html) for html in inputs]
    comments = [f"Commento {n}\nhttps://example.com/{n} <b>{n}</b>\n\nfine" for n in range(200)]
    expected_comments = [render_comment_text(text) for text in comments]

    with ThreadPoolExecutor(max_workers=8) as pool:
        for _round in range(2):
            got = list(pool.map(clean_article_html, inputs))
            got_comments = list(pool.map(render_comment_text, comments))
            assert got == expected
            assert got_comments == expected_comments
