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
