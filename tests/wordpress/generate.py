"""Big WXR exports written on the fly: for the memory test, or by hand with
`python -m tests.wordpress.generate OUT.xml COMMENTS` to time an import."""

import random
from datetime import datetime, timedelta
from pathlib import Path

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="https://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="https://wordpress.org/export/1.2/">
<channel>
	<title>Archivio grande</title>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_blog_url>https://grande.example</wp:base_blog_url>
	<wp:author><wp:author_login>redazione</wp:author_login></wp:author>
"""
POST = """	<item>
		<title>Articolo numero {n}</title>
		<link>https://grande.example/{year}/{month:02d}/01/articolo-{n}/</link>
		<dc:creator>redazione</dc:creator>
		<content:encoded><![CDATA[{body}]]></content:encoded>
		<wp:post_id>{n}</wp:post_id>
		<wp:post_date_gmt>{year}-{month:02d}-01 09:00:00</wp:post_date_gmt>
		<wp:post_name>articolo-{n}</wp:post_name>
		<wp:status>publish</wp:status>
		<wp:post_type>post</wp:post_type>
"""
COMMENT = """		<wp:comment>
			<wp:comment_id>{id}</wp:comment_id>
			<wp:comment_author><![CDATA[Lettore {id}]]></wp:comment_author>
			<wp:comment_author_email>lettore{id}@example.com</wp:comment_author_email>
			<wp:comment_date_gmt>{year}-{month:02d}-{day:02d} {time}</wp:comment_date_gmt>
			<wp:comment_content><![CDATA[{text}]]></wp:comment_content>
			<wp:comment_approved>{approved}</wp:comment_approved>
			<wp:comment_parent>{parent}</wp:comment_parent>
		</wp:comment>
"""
TEXT = (
    "Un commento di prova, scritto per vedere se la memoria resta piatta: perché un archivio "
    "di vent'anni ha decine di migliaia di commenti, con risposte e risposte alle risposte. "
)


def write_export(path: Path, *, comments: int, per_post: int = 50, seed: int = 1) -> Path:
    """An export with `comments` comments, `per_post` on each post, 30% of them threads."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        comment_id = 0
        for n in range(1, comments // per_post + 1):
            year, month = 2005 + n % 20, 1 + n % 12
            out.write(POST.format(n=n, year=year, month=month, body=TEXT * 3))
            ids: list[int] = []
            for k in range(per_post):
                comment_id += 1
                parent = rng.choice(ids) if ids and rng.random() > 0.3 else 0
                out.write(
                    COMMENT.format(
                        id=comment_id, year=year, month=month, day=1 + k // 24,
                        time=f"{k % 24:02d}:{rng.randrange(60):02d}:00", text=TEXT * 2,
                        approved=rng.choice("1110"), parent=parent,
                    )
                )  # fmt: skip
                ids.append(comment_id)
            out.write("\t</item>\n")
        out.write("</channel>\n</rss>\n")
    return path


if __name__ == "__main__":
    import sys

    # python -m tests.wordpress.generate OUT.xml COMMENTS
    print(write_export(Path(sys.argv[1]), comments=int(sys.argv[2])))


DISQUS_HEADER = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
"""
DISQUS_THREAD = """  <thread dsq:id="{id}"><id /><forum>grande</forum><link>{link}</link>
    <title>Filo {id}</title><createdAt>2020-01-01T09:00:00Z</createdAt></thread>
"""
DISQUS_POST = """  <post dsq:id="{id}"><id /><message><![CDATA[<p>{text}</p>]]></message>
    <createdAt>2020-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><email>lettore{id}@example.com</email><name>Lettore {id}</name></author>
    <thread dsq:id="{thread}" />{parent}</post>
"""


def write_disqus_export(path: Path, *, posts: int, link: str, per_thread: int = 50) -> Path:
    """A Disqus export with `posts` posts, `per_thread` in each thread (all on the article at
    `link`), 30% of them starting a conversation; threads first, then posts, as Disqus writes."""
    rng = random.Random(1)
    threads = posts // per_thread
    with path.open("w", encoding="utf-8") as out:
        out.write(DISQUS_HEADER)
        for thread in range(1, threads + 1):
            out.write(DISQUS_THREAD.format(id=thread, link=link))
        post_id = 0
        for thread in range(1, threads + 1):
            ids: list[int] = []
            for k in range(per_thread):
                post_id += 1
                parent = rng.choice(ids) if ids and rng.random() > 0.3 else 0
                out.write(
                    DISQUS_POST.format(
                        id=post_id, text=TEXT * 2, thread=thread, month=1 + k // 28,
                        day=1 + k % 28, hour=k % 24, minute=rng.randrange(60),
                        parent=f'<parent dsq:id="{parent}" />' if parent else "",
                    )
                )  # fmt: skip
                ids.append(post_id)
        out.write("</disqus>\n")
    return path


# A whole magazine, for bench.moving and the big-import tests: authors, nested categories, tags,
# posts with a featured image and an inline image (attachments of the export), and threads of
# comments of every size, from none to a long discussion.

SITE = "https://grande.example"
SITE_CATEGORY = """	<wp:category><wp:term_id>{id}</wp:term_id><wp:category_nicename>sezione-{id}</wp:category_nicename>
		<wp:category_parent>{parent}</wp:category_parent><wp:cat_name><![CDATA[Sezione {id}]]></wp:cat_name></wp:category>
"""  # noqa: E501
SITE_TAG = """	<wp:tag><wp:term_id>{id}</wp:term_id><wp:tag_slug>tema-{n}</wp:tag_slug><wp:tag_name><![CDATA[Tema {n}]]></wp:tag_name></wp:tag>
"""  # noqa: E501
SITE_ATTACHMENT = """	<item>
		<title>Foto {n}</title>
		<wp:post_id>{id}</wp:post_id>
		<wp:post_date_gmt>{year}-{month:02d}-01 08:00:00</wp:post_date_gmt>
		<wp:status>inherit</wp:status>
		<wp:post_parent>{n}</wp:post_parent>
		<wp:post_type>attachment</wp:post_type>
		<wp:attachment_url>{url}</wp:attachment_url>
		<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>{file}</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>Foto dell'articolo {n}</wp:meta_value></wp:postmeta>
	</item>
"""  # noqa: E501
SITE_POST = """	<item>
		<title>Articolo numero {n}</title>
		<link>{link}</link>
		<dc:creator>{author}</dc:creator>
		<guid isPermaLink="false">https://grande.example/?p={n}</guid>
		<content:encoded><![CDATA[{body}]]></content:encoded>
		<excerpt:encoded><![CDATA[Il sommario dell'articolo {n}.]]></excerpt:encoded>
		<wp:post_id>{n}</wp:post_id>
		<wp:post_date_gmt>{year}-{month:02d}-01 09:00:00</wp:post_date_gmt>
		<wp:comment_status>open</wp:comment_status>
		<wp:post_name>articolo-{n}</wp:post_name>
		<wp:status>{status}</wp:status>
		<wp:post_type>post</wp:post_type>
		<category domain="category" nicename="sezione-{category}"><![CDATA[Sezione {category}]]></category>
		<category domain="post_tag" nicename="tema-{tag1}"><![CDATA[Tema {tag1}]]></category>
		<category domain="post_tag" nicename="tema-{tag2}"><![CDATA[Tema {tag2}]]></category>
		<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{attachment}</wp:meta_value></wp:postmeta>
"""  # noqa: E501
SITE_CATEGORIES = 30
SITE_TAGS = 300
SITE_AUTHORS = 8
ATTACHMENT_IDS = 10_000_000  # attachments' post ids: this plus the post's


def site_link(n: int) -> str:
    """A post's address on the old WordPress site (the redirect kept for it after the import)."""
    return f"{SITE}/{2005 + n % 20}/{1 + n % 12:02d}/01/articolo-{n}/"


def discussion_sizes(rng: random.Random, total: int, *, biggest: int) -> list[int]:
    """How many comments each discussion has, summing to `total`: one discussion of `biggest`
    (the same at every size, since memory follows the biggest discussion) and the rest as real
    ones are, most short, a few long."""
    sizes = [min(biggest, total)]
    left = total - sizes[0]
    while left > 0:
        size = min(left, biggest, 1 + int(rng.paretovariate(1.3) * 3) - 3 + rng.randrange(4))
        size = max(1, size)
        sizes.append(size)
        left -= size
    rng.shuffle(sizes)
    return sizes


def _thread_parents(rng: random.Random, ids: list[int]) -> list[int]:
    """Each comment's parent among the ones before it (0: starts a thread): about 30% start a
    thread, replies go to recent comments more often than to old ones (deep chains appear)."""
    parents = []
    for index in range(len(ids)):
        if index == 0 or rng.random() < 0.3:
            parents.append(0)
        else:
            back = min(index, 1 + int(rng.expovariate(0.3)))
            parents.append(ids[index - back])
    return parents


def write_site_export(
    path: Path, *, posts: int, comments: int, biggest: int = 500, seed: int = 1
) -> Path:
    """A WordPress site of `posts` posts (each with a featured image and an inline image, a
    category, two tags; one in twenty a draft) and `comments` comments spread over them."""
    rng = random.Random(seed)
    sizes = discussion_sizes(rng, comments, biggest=biggest) if comments else []
    per_post = [0] * posts
    for index, size in enumerate(sizes):
        per_post[index % posts] += size
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(2, SITE_AUTHORS + 1):
            out.write(f"\t<wp:author><wp:author_login>autore{n}</wp:author_login></wp:author>\n")
        for id_ in range(1, SITE_CATEGORIES + 1):
            parent = f"sezione-{(id_ - 1) // 5}" if id_ > 5 else ""
            out.write(SITE_CATEGORY.format(id=id_, parent=parent))
        for n in range(1, SITE_TAGS + 1):
            out.write(SITE_TAG.format(id=1000 + n, n=n))
        comment_id = 0
        for n in range(1, posts + 1):
            year, month = 2005 + n % 20, 1 + n % 12
            file = f"{year}/{month:02d}/foto-{n}.jpg"
            url = f"{SITE}/wp-content/uploads/{file}"
            out.write(
                SITE_ATTACHMENT.format(
                    n=n, id=ATTACHMENT_IDS + n, year=year, month=month, url=url, file=file
                )
            )
            inline = url.replace(".jpg", "-300x200.jpg")
            body = (
                f'<p>{TEXT}</p>\n<img src="{inline}" class="wp-image-{ATTACHMENT_IDS + n}" '
                f'alt="" width="300" height="200" />\n<p>{TEXT * 2}</p>'
            )
            author = "redazione" if n % SITE_AUTHORS == 0 else f"autore{1 + n % SITE_AUTHORS}"
            out.write(
                SITE_POST.format(
                    n=n, link=site_link(n), author=author, body=body, year=year, month=month,
                    status="draft" if n % 20 == 0 else "publish",
                    category=1 + n % SITE_CATEGORIES, tag1=1 + n % SITE_TAGS,
                    tag2=1 + (n * 7) % SITE_TAGS, attachment=ATTACHMENT_IDS + n,
                )
            )  # fmt: skip
            ids = list(range(comment_id + 1, comment_id + per_post[n - 1] + 1))
            comment_id += len(ids)
            for k, (id_, parent) in enumerate(zip(ids, _thread_parents(rng, ids), strict=True)):
                out.write(
                    COMMENT.format(
                        id=id_, year=year, month=month, day=1 + (k // 1440) % 28,
                        time=f"{(k // 60) % 24:02d}:{k % 60:02d}:00", text=TEXT,
                        approved=rng.choice("1111110"), parent=parent,
                    )
                )  # fmt: skip
            out.write("\t</item>\n")
        out.write("</channel>\n</rss>\n")
    return path


DISQUS_SITE_THREAD = """  <thread dsq:id="{id}"><id>{identifier}</id><forum>grande</forum>
    <link>{link}</link><title>Articolo numero {n}</title><createdAt>2020-01-01T09:00:00Z</createdAt></thread>
"""  # noqa: E501
DISQUS_SITE_POST = """  <post dsq:id="{id}"><id /><message><![CDATA[<p>{text}</p>]]></message>
    <createdAt>{date}</createdAt><isDeleted>{deleted}</isDeleted><isSpam>{spam}</isSpam>
    <author><email>lettore{id}@example.com</email><name>Lettore {id}</name><username>lettore{id}</username></author>
    <ipAddress>203.0.113.{ip}</ipAddress><thread dsq:id="{thread}" />{parent}</post>
"""  # noqa: E501


START = datetime(2012, 1, 1)


def write_disqus_site_export(
    path: Path, *, posts: int, articles: int, biggest: int = 500, seed: int = 1
) -> Path:
    """A Disqus export of `posts` posts on threads linked to the old addresses of the first
    `articles` posts of write_site_export's site (one in a hundred to an address nobody
    knows), in threads of every size; posts in date order across threads, as Disqus writes
    them; some spam, some deleted."""
    rng = random.Random(seed)
    sizes = discussion_sizes(rng, posts, biggest=biggest)
    with path.open("w", encoding="utf-8") as out:
        out.write(DISQUS_HEADER)
        for thread in range(1, len(sizes) + 1):
            n = 1 + (thread - 1) % articles
            if thread % 100:
                link, identifier = site_link(n), f"{n} https://grande.example/?p={n}"
            else:
                link, identifier = f"https://altrove.example/pagina-{thread}/", ""
            out.write(DISQUS_SITE_THREAD.format(id=thread, n=n, link=link, identifier=identifier))
        # Interleaved: each post after its parent, threads mixed as time mixes them.
        queues = []
        post_id = 0
        for thread, size in enumerate(sizes, start=1):
            ids = list(range(post_id + 1, post_id + size + 1))
            post_id += size
            queues.append((thread, ids, _thread_parents(rng, ids)))
        cursors = [0] * len(queues)
        open_threads = list(range(len(queues)))
        minute = 0
        while open_threads:
            slot = rng.randrange(len(open_threads))
            index = open_threads[slot]
            thread, ids, parents = queues[index]
            k = cursors[index]
            cursors[index] += 1
            if cursors[index] == len(ids):
                open_threads[slot] = open_threads[-1]
                open_threads.pop()
            minute += 1
            date = (START + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:00Z")
            roll = rng.random()
            out.write(
                DISQUS_SITE_POST.format(
                    id=ids[k], text=TEXT, date=date, thread=thread, ip=1 + ids[k] % 250,
                    deleted="true" if roll < 0.02 else "false",
                    spam="true" if 0.02 <= roll < 0.04 else "false",
                    parent=f'<parent dsq:id="{parents[k]}" />' if parents[k] else "",
                )
            )  # fmt: skip
        out.write("</disqus>\n")
    return path
