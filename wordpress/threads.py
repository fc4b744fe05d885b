"""Importing one discussion's comments (a WordPress post's, a Disqus thread's) into our tree.

Not through comments.services.comment_post: that one applies the rules for readers (rate limits,
duplicates, closed articles, moderation lists, notifications), none of which applies to
comments written years ago. What it shares with comment_post is the tree discipline:

- new threads are planned in memory (wordpress.thread_plan) and inserted level by level with
  bulk_create, their lft/rght/level computed there and their tree_ids taken as max + 1 under the
  same lock comment_post takes for a new thread (an advisory lock on PostgreSQL, held until the
  import commits; SQLite's IMMEDIATE transaction already admits one writer);
- a new reply to a comment imported by an earlier run is inserted by django-mptt at its place by
  date among the existing replies, under the thread's root row lock, like any reply.

Comments imported earlier keep their place and data; only their status follows the export,
and only while nobody has moderated them here.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from blog.models import Article
from comments import conf, discussion
from comments.models import Comment
from comments.services import thread_lock_for_insert
from core.client_address import valid_ip
from core.web_address import is_web_address
from wordpress import thread_plan
from wordpress.models import WordPressObject
from wordpress.moving import ImportReport, SourceIds
from wordpress.text import comment_text, plain
from wordpress.wxr import WxrComment

BATCH_SIZE = 500
LOOKUP_CHUNK = 500

STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REJECTED,
    "post-trashed": Comment.Status.REJECTED,
}
SKIPPED_TYPES = {
    "pingback": "pingback (pingbacks and trackbacks are not imported)",
    "trackback": "trackback (pingbacks and trackbacks are not imported)",
}

KIND = "comments"


def status_of(record: WxrComment) -> str:
    return STATUSES.get(record.approved.strip().lower(), Comment.Status.PENDING)


def _chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(slots=True)
class IncomingComment:
    """One comment of any source (a WordPress export, a Disqus export), as our tree takes it."""

    source_id: int
    parent_id: int  # 0: none
    date: datetime | None
    text: str  # as a reader would have typed it (wordpress.text.comment_text)
    status: str
    state: str  # the source's own status: a change of it updates the comment's status
    author_name: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    # Deleted by its author at the source: comes as a placeholder (no text, no author), and a
    # copy imported earlier loses its text and personal data too.
    withdrawn: bool = False

    @property
    def label(self) -> str:
        return f"#{self.source_id}"


@dataclass
class ImportedComment:
    """What a tree node carries from the export to the comment it becomes."""

    incoming: IncomingComment
    mapping: WordPressObject | None  # how an earlier import recorded it, if one did
    row: dict | None  # its row here, if an earlier import created it


def wxr_comments(records, report: ImportReport, post_label: str) -> list[IncomingComment]:
    """The readers' comments of one post with some text, each once; an empty one with replies
    (a removed comment's placeholder, as export_site writes it) keeps its place without text;
    every other record is reported."""
    wanted: list[IncomingComment] = []
    seen: set[int] = set()
    parents = {record.parent_id for record in records}
    for record in records:
        kind = record.type.strip().lower()
        if kind in SKIPPED_TYPES:
            report.skip(KIND, SKIPPED_TYPES[kind], f"#{record.wp_id}")
        elif kind not in ("", "comment"):
            report.skip(KIND, f"comment type “{kind}” (not a reader's comment)", f"#{record.wp_id}")
        elif record.wp_id <= 0:
            report.skip(KIND, "no wp:comment_id", post_label)
        elif record.wp_id in seen:
            report.skip(KIND, "the same wp:comment_id twice in one post", f"#{record.wp_id}")
        else:
            text = comment_text(record.content)
            if not text and record.wp_id not in parents:
                report.skip(KIND, "empty", f"#{record.wp_id}")
                continue
            seen.add(record.wp_id)
            wanted.append(_incoming(record, text) if text else _placeholder(record))
    return wanted


def _incoming(record: WxrComment, text: str) -> IncomingComment:
    return IncomingComment(
        source_id=record.wp_id, parent_id=record.parent_id, date=record.date, text=text,
        status=status_of(record), state=record.approved, author_name=record.author,
        email=record.email, url=record.url, ip=record.ip,
    )  # fmt: skip


def _placeholder(record: WxrComment) -> IncomingComment:
    """An empty comment that has replies: its place in the thread, nothing else."""
    return IncomingComment(
        source_id=record.wp_id, parent_id=record.parent_id, date=record.date, text="",
        status=status_of(record), state=record.approved, withdrawn=True,
    )  # fmt: skip


def comments_import(
    *,
    article: Article,
    incoming: list[IncomingComment],
    ids: SourceIds,
    report: ImportReport,
    post_label: str,
) -> bool:
    """Import one discussion's comments into `article`. Returns whether readers could see a
    change.

    Three phases: find what earlier imports made of them; place them in trees
    (thread_plan.plan) and report what moved; write.
    """
    if not incoming:
        return False
    mappings, rows = _earlier_imports(incoming, ids)
    nodes = _nodes(article, incoming, mappings, rows, report)
    max_depth = discussion.max_depth()
    placed = thread_plan.plan(nodes, max_depth=max_depth, ancestor_at=_ancestor_at)
    _report_placement(placed, max_depth, report, post_label)

    changed = _update_existing(placed.existing, report)
    if placed.threads:
        _insert_threads(article, placed.threads, ids, report)
        changed = True
    for node in placed.grafts:
        _insert_graft(article, node, ids, report)
        changed = True
    return changed


def _earlier_imports(
    incoming, ids: SourceIds
) -> tuple[dict[str, WordPressObject], dict[int, dict]]:
    """The mappings earlier imports left for these comments, and the rows they point at."""
    mappings = ids.mappings(WordPressObject.Kind.COMMENT, [c.source_id for c in incoming])
    rows = {}
    for chunk in _chunks([m.comment_id for m in mappings.values() if m.comment_id]):
        for row in Comment.objects.filter(pk__in=chunk).values(
            "pk", "article_id", "status", "moderated_at", "tree_id", "lft", "rght", "level"
        ):
            rows[row["pk"]] = row
    return mappings, rows


def _nodes(article, incoming, mappings, rows, report: ImportReport) -> list[thread_plan.Node]:
    """One tree node per comment still to import or update here."""
    nodes = []
    for comment in incoming:
        mapping = mappings.get(str(comment.source_id))
        row = None
        if mapping is not None:
            row = rows.get(mapping.comment_id)
            if row is None:
                report.skip(KIND, "deleted here after an earlier import", comment.label)
                continue
            if row["article_id"] != article.pk:
                report.skip(KIND, "imported earlier on another article", comment.label)
                continue
        if comment.date is None:
            report.note(KIND, "no date in the export: dated as its article", comment.label)
        existing = None
        if row is not None:
            existing = thread_plan.Existing(
                pk=row["pk"], tree_id=row["tree_id"], lft=row["lft"], rght=row["rght"],
                level=row["level"],
            )  # fmt: skip
        nodes.append(
            thread_plan.Node(
                wp_id=comment.source_id,
                wp_parent=comment.parent_id,
                date=comment.date or article.publish_at,
                record=ImportedComment(incoming=comment, mapping=mapping, row=row),
                existing=existing,
            )
        )
    return nodes


def _report_placement(placed, max_depth: int, report: ImportReport, post_label: str) -> None:
    for wp_id in placed.orphans:
        report.note(KIND, "reply to a comment not in the export: starts a thread", f"#{wp_id}")
    for wp_id in placed.reattached:
        report.note(
            KIND,
            f"deeper than the maximum depth ({max_depth}): attached to its deepest allowed "
            "ancestor",
            f"#{wp_id}",
        )
    for cycle in placed.cycles:
        report.warn(
            "replies forming a cycle: the oldest starts a thread",
            f"{post_label} comments " + ", ".join(f"#{wp_id}" for wp_id in cycle),
        )


def _ancestor_at(existing: thread_plan.Existing, level: int) -> thread_plan.Existing:
    row = (
        Comment.objects.filter(
            tree_id=existing.tree_id, lft__lte=existing.lft, rght__gte=existing.rght, level=level
        )
        .values_list("pk", "tree_id", "lft", "rght", "level")
        .get()
    )
    return thread_plan.Existing(*row)


def _update_existing(nodes: list[thread_plan.Node], report: ImportReport) -> bool:
    changed = False
    for node in nodes:
        incoming, mapping, row = node.record.incoming, node.record.mapping, node.record.row
        if mapping.digest == incoming.state:
            report.count(KIND, "unchanged")
            continue
        mapping.digest = incoming.state
        mapping.save(update_fields=["digest", "updated"])
        status = incoming.status
        if incoming.withdrawn:
            _withdraw(row, status)
            report.count(KIND, "updated")
            changed = True
        elif row["moderated_at"] is not None:
            report.note(KIND, "moderated here: kept the status given here", incoming.label)
            report.count(KIND, "unchanged")
        elif row["status"] != status:
            comment = Comment.objects.get(pk=row["pk"])
            comment.status = status
            comment.save(update_fields=["status", "updated"])
            report.count(KIND, "updated")
            changed = True
        else:
            report.count(KIND, "unchanged")
    return changed


def _withdraw(row: dict, status: str) -> None:
    """What its author deleted at the source keeps only its place in the thread."""
    comment = Comment.objects.get(pk=row["pk"])
    comment.body = comment.author_name = comment.author_email = comment.author_url = ""
    comment.ip_address = None
    comment.user_agent = ""
    if row["moderated_at"] is None:
        comment.status = status
    comment.save()


def _new_comment(article: Article, node: thread_plan.Node, report: ImportReport) -> Comment:
    record = node.record.incoming
    name = plain(record.author_name)[:100]
    email = _valid_email(record.email)
    url = record.url.strip()
    if len(url) > 200 or not is_web_address(url):
        url = ""
    comment = Comment(
        article=article,
        author_name=name,
        author_email=email,
        author_url=url,
        body=record.text,
        status=record.status,
        ip_address=_ip_address(record, node.date, report),
        level=node.level,
        lft=node.lft,
        rght=node.rght,
    )
    # What Comment.save() does, for rows inserted with bulk_create.
    comment.derive_rendering()
    return comment


def _valid_email(value: str) -> str:
    """The address, or "" when it is not one. A refused one's exception goes with its traceback:
    a ValidationError is a reference cycle (its error_list holds it), and its traceback holds
    the frames of this import, and with them a whole discussion's comments, until a full
    collection, which a long import may never see."""
    email = value.strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError as refused:
        refused.__traceback__ = None
        return ""
    return email


def _ip_address(record: IncomingComment, date, report: ImportReport) -> str | None:
    address = valid_ip(record.ip)
    if address is None:
        return None
    # What clear_old_ips would erase tonight is not imported at all.
    if date < timezone.now() - timedelta(days=conf.get("COMMENTS_IP_RETENTION_DAYS")):
        report.note(KIND, "IP address older than the retention period: not imported")
        return None
    return address


def _mapping(ids: SourceIds, node: thread_plan.Node, comment: Comment) -> WordPressObject:
    incoming = node.record.incoming
    return ids.mapping_for(
        WordPressObject.Kind.COMMENT, incoming.source_id, incoming.state, comment=comment
    )


def _insert_threads(article, threads: list[list[thread_plan.Node]], ids, report) -> None:
    """New threads, in bulk: parents' rows exist before their replies' (one level at a time)."""
    thread_lock_for_insert(None)
    first_tree_id = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
    levels: dict[int, list[thread_plan.Node]] = {}
    for offset, thread in enumerate(threads):
        for node in thread:
            node.comment = _new_comment(article, node, report)
            node.comment.tree_id = first_tree_id + offset
            levels.setdefault(node.level, []).append(node)
    for level in sorted(levels):
        batch = levels[level]
        for node in batch:
            node.comment.parent_id = node.parent.comment.pk if node.parent else None
        comments = [node.comment for node in batch]
        Comment.objects.bulk_create(comments, batch_size=BATCH_SIZE)
        _set_dates([(node.date, node.date, node.comment.pk) for node in batch])
        WordPressObject.objects.bulk_create(
            [_mapping(ids, node, node.comment) for node in batch], batch_size=BATCH_SIZE
        )
        report.count(KIND, "created", len(batch))


def _set_dates(rows: list[tuple]) -> None:
    """created/updated are auto_now(_add), so inserting sets them to now: give the WordPress
    dates back. One prepared UPDATE for many rows (bulk_update builds a CASE per row in Python,
    and costs more than the inserts)."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    created, updated, pk = (
        connection.ops.quote_name(Comment._meta.get_field(name).column)
        for name in ("created", "updated", "id")
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {created} = %s, {updated} = %s WHERE {pk} = %s",  # noqa: S608
            rows,
        )


def _insert_graft(article, node: thread_plan.Node, ids, report) -> None:
    """A new reply below a comment imported earlier: mptt makes room in that thread only."""
    parent_pk = node.parent.existing.pk if node.parent.existing else node.parent.comment.pk
    parent = Comment.objects.get(pk=parent_pk)
    thread_lock_for_insert(parent)
    parent.refresh_from_db(fields=["tree_id", "lft", "rght", "level"])
    comment = _new_comment(article, node, report)
    later_sibling = parent.get_children().filter(created__gt=node.date).order_by("lft").first()
    if later_sibling is not None:
        Comment.objects.insert_node(comment, later_sibling, position="left", save=True)
    else:
        Comment.objects.insert_node(comment, parent, position="last-child", save=True)
    _set_dates([(node.date, node.date, comment.pk)])
    node.comment = comment
    _mapping(ids, node, comment).save()
    report.count(KIND, "created")
