"""A Disqus export into threaded comments: one run, called by wordpress.services.disqus_import.

The file is read once, to the end, before anything is written: threads and posts wait in a
temporary file, and memory keeps only where each is in it (an array of offsets per thread,
about 200 bytes a thread and 8 a post: some 5 MB for 200,000 posts in 20,000 threads), so a
malformed file is refused before the database is touched and memory follows the biggest thread,
not the file. Then each thread is
matched to an article (the --map file, its link: our address or an old WordPress one, or its
identifier) and its posts go through the same tree planning and locked inserts as the WordPress
import's comments (wordpress.threads). Posts are remembered per forum ("disqus:<forum>"), so a
second run creates nothing twice.
"""

import json
import tempfile
from array import array
from collections.abc import Iterable
from datetime import datetime

from blog.models import Article
from comments.models import Comment
from comments.tree_cache import bump_article_versions
from wordpress.article_match import article_at, article_for_identifier
from wordpress.disqus import DisqusPost, DisqusThread, Record
from wordpress.moving import ImportReport, SourceIds
from wordpress.text import comment_text, plain
from wordpress.threads import IncomingComment, comments_import

THREADS, COMMENTS = "threads", "comments"
TYPES = (THREADS, COMMENTS)
READING = ("posts", "threads")


NOT_READ = -1  # a thread's place in the spool while only its posts have been read


def _thread_label(record: DisqusThread) -> str:
    title = plain(record.title)[:40]
    return f"{record.link or record.identifier or record.dsq_id} “{title}”"


def _state(post: DisqusPost) -> str:
    if post.is_deleted:
        return "deleted"
    if post.is_spam:
        return "spam"
    return "approved" if post.is_approved else "pending"


STATUS_OF_STATE = {
    "deleted": Comment.Status.REJECTED,  # shown as "Comment removed" where replies are visible
    "spam": Comment.Status.SPAM,
    "approved": Comment.Status.APPROVED,
    "pending": Comment.Status.PENDING,
}


class DisqusImport:
    def __init__(self, *, report: ImportReport, thread_map: dict[str, int]):
        self.report = report
        self.thread_map = thread_map
        # Per thread id: where its record waits in the spool (NOT_READ while unknown), then
        # where its posts do.
        self.threads: dict[str, array] = {}
        self.spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by run()
        self.forums: set[str] = set()

    # Reading the whole file first.

    def run(self, records: Iterable[Record]) -> None:
        try:
            for record in records:
                if isinstance(record, DisqusThread):
                    self.thread(record)
                else:
                    self.post(record)
            self.report.source = ", ".join(sorted(self.forums)) or "Disqus"
            self.import_threads()
        finally:
            self.spool.close()

    def thread(self, record: DisqusThread) -> None:
        self.report.reading_one("threads")
        if not record.dsq_id:
            self.report.skip(THREADS, "no dsq:id", record.link or record.title)
            return
        if record.forum:
            self.forums.add(record.forum)
        offsets = self.threads.get(record.dsq_id)
        if offsets is None:
            offsets = self.threads[record.dsq_id] = array("q", [NOT_READ])
        offsets[0] = self._spooled(record)  # posts may come first: their thread is now known

    def post(self, record: DisqusPost) -> None:
        self.report.reading_one("posts")
        label = f"post of {record.created:%Y-%m-%d %H:%M}" if record.created else "a post"
        if not record.dsq_id.isdigit():
            reason = "no dsq:id" if not record.dsq_id else "a dsq:id that is not a number"
            self.report.skip(COMMENTS, reason, f"{label}, thread {record.thread_id or '?'}")
            return
        if not record.thread_id:
            self.report.skip(COMMENTS, "no thread", f"#{record.dsq_id}")
            return
        offsets = self.threads.get(record.thread_id)
        if offsets is None:  # perhaps later in the file
            offsets = self.threads[record.thread_id] = array("q", [NOT_READ])
        offsets.append(self._spooled(record))

    def _spooled(self, record: Record) -> int:
        offset = self.spool.seek(0, 2)
        self.spool.write(_dump(record))
        return offset

    # Then thread by thread.

    def import_threads(self) -> None:
        for dsq_id, offsets in self.threads.items():
            record_at, posts = offsets[0], offsets[1:]
            if record_at == NOT_READ:
                for _ in posts:
                    self.report.skip(COMMENTS, "its thread is not in the file", f"thread {dsq_id}")
            else:
                record = self._load(record_at, DisqusThread)
                if not posts:
                    self.report.skip(THREADS, "no posts", _thread_label(record))
                else:
                    self.import_thread(record, posts)
            self.report.writing_one("threads imported", total=len(self.threads))

    def import_thread(self, record: DisqusThread, posts: array) -> None:
        label = _thread_label(record)
        article = self._match(record)
        if article is None:
            self.report.skip(THREADS, "no article here for it (map it with --map)", label)
            for _ in posts:
                self.report.skip(COMMENTS, "on a thread that matches no article", label)
            return
        incoming = self.incoming(posts)
        ids = SourceIds(f"disqus:{record.forum or 'disqus'}"[:200])
        changed = comments_import(
            article=article,
            incoming=incoming,
            ids=ids,
            report=self.report,
            post_label=f"thread {label}",
        )
        if changed:
            bump_article_versions(article.pk)
        self.report.count(THREADS, "updated" if changed else "unchanged")

    def _match(self, record: DisqusThread) -> Article | None:
        article_id = self._matched_id(record)
        if article_id is None:
            return None
        # What the comments need of it, and no more: a whole Article is a reference cycle (its
        # cover's file points back at it), garbage until a full collection, one per thread.
        return Article.objects.only("pk", "publish_at").filter(pk=article_id).first()

    def _matched_id(self, record: DisqusThread) -> int | None:
        for key in (record.dsq_id, record.link, record.identifier):
            if key and key in self.thread_map:
                return self.thread_map[key]
        article_id = article_at(record.link) if record.link else None
        return article_id or article_for_identifier(record.identifier)

    def _load(self, offset: int, kind: type[Record]) -> Record:
        self.spool.seek(offset)
        return _load(self.spool.readline(), kind)

    def incoming(self, offsets: array) -> list[IncomingComment]:
        """The thread's posts as comments: each once, a deleted one only where replies need it
        (as a placeholder, without its text or author)."""
        posts: dict[int, DisqusPost] = {}
        for offset in offsets:
            post = self._load(offset, DisqusPost)
            if int(post.dsq_id) in posts:
                self.report.skip(COMMENTS, "the same dsq:id twice", f"#{post.dsq_id}")
            else:
                posts[int(post.dsq_id)] = post
        needed = _deleted_with_replies(posts)
        wanted = []
        for source_id, post in posts.items():
            if post.is_deleted and source_id not in needed:
                self.report.skip(COMMENTS, "deleted in Disqus, with no replies", f"#{source_id}")
                continue
            comment = _incoming(source_id, post)
            if not comment.text and not post.is_deleted:
                self.report.skip(COMMENTS, "empty", f"#{source_id}")
                continue
            wanted.append(comment)
        return wanted


def _incoming(source_id: int, post: DisqusPost) -> IncomingComment:
    state = _state(post)
    parent = int(post.parent_id) if post.parent_id.isdigit() else 0
    if post.is_deleted:  # what its author removed stays removed: a placeholder only
        return IncomingComment(
            source_id=source_id, parent_id=parent, date=post.created, text="",
            status=STATUS_OF_STATE[state], state=state, withdrawn=True,
        )  # fmt: skip
    return IncomingComment(
        source_id=source_id, parent_id=parent, date=post.created,
        text=comment_text(post.message), status=STATUS_OF_STATE[state], state=state,
        author_name=post.name or post.username, email=post.email, ip=post.ip,
    )  # fmt: skip


def _deleted_with_replies(posts: dict[int, DisqusPost]) -> set[int]:
    """Deleted posts below which a kept post hangs: they stay, as placeholders."""
    needed: set[int] = set()
    for post in posts.values():
        if post.is_deleted:
            continue
        seen: set[int] = set()
        parent = posts.get(int(post.parent_id)) if post.parent_id.isdigit() else None
        while parent is not None and parent.is_deleted:
            parent_id = int(parent.dsq_id)
            if parent_id in needed or parent_id in seen:
                break
            needed.add(parent_id)
            seen.add(parent_id)
            parent = posts.get(int(parent.parent_id)) if parent.parent_id.isdigit() else None
    return needed


def _dump(record: Record) -> bytes:
    values = [getattr(record, name) for name in record.__slots__]
    return json.dumps(values, default=lambda moment: moment.isoformat()).encode() + b"\n"


def _load(line: bytes, kind: type[Record]) -> Record:
    record = kind(**dict(zip(kind.__slots__, json.loads(line), strict=True)))
    if getattr(record, "created", None) is not None:
        record.created = datetime.fromisoformat(record.created)
    return record
