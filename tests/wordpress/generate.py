"""Big WXR exports written on the fly: for the memory test, or by hand with
`python -m tests.wordpress.generate OUT.xml COMMENTS` to time an import."""

import random
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
