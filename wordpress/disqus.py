"""Reading a Disqus export (Disqus's XML: <disqus> with <category>, <thread> and <post>) as a
stream of small records.

The same defences as the WXR reader (wordpress.wxr): defusedxml's iterparse refuses entity
declarations and external references, and each child of <disqus> is cleared once read, so memory
holds one thread or post at a time. Namespaces are ignored (Disqus puts its elements in
http://disqus.com and its ids in dsq:id attributes of http://disqus.com/disqus-internals).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import iterparse

from wordpress.wxr import refusing_bad_xml, safe_parser


class DisqusError(Exception):
    """The file cannot be imported: the message says why and where, for the person running it."""


@dataclass(slots=True)
class DisqusThread:
    dsq_id: str
    identifier: str = ""  # the <id> the site gave the thread (often "123 https://site/?p=123")
    link: str = ""
    title: str = ""
    forum: str = ""


@dataclass(slots=True)
class DisqusPost:
    dsq_id: str
    thread_id: str = ""
    parent_id: str = ""
    message: str = ""  # HTML
    created: datetime | None = None
    is_deleted: bool = False
    is_spam: bool = False
    is_approved: bool = True
    name: str = ""
    email: str = ""
    username: str = ""
    ip: str = ""


Record = DisqusThread | DisqusPost


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _dsq_id(element: Element | None) -> str:
    if element is None:
        return ""
    for name, value in element.attrib.items():
        if _local(name) == "id":
            return value.strip()
    return ""


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _true(element: Element | None) -> bool:
    return _text(element).lower() == "true"


def _date(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _children(element: Element) -> dict[str, Element]:
    found: dict[str, Element] = {}
    for child in element:
        found.setdefault(_local(child.tag), child)
    return found


def _thread(element: Element) -> DisqusThread:
    values = _children(element)
    return DisqusThread(
        dsq_id=_dsq_id(element),
        identifier=_text(values.get("id")),
        link=_text(values.get("link")),
        title=_text(values.get("title")),
        forum=_text(values.get("forum")),
    )


def _post(element: Element) -> DisqusPost:
    values = _children(element)
    author = _children(values["author"]) if "author" in values else {}
    approved = values.get("isApproved")
    return DisqusPost(
        dsq_id=_dsq_id(element),
        thread_id=_dsq_id(values.get("thread")),
        parent_id=_dsq_id(values.get("parent")),
        message=(values["message"].text or "") if "message" in values else "",
        created=_date(_text(values.get("createdAt"))),
        is_deleted=_true(values.get("isDeleted")),
        is_spam=_true(values.get("isSpam")),
        is_approved=approved is None or _true(approved),
        name=_text(author.get("name")),
        email=_text(author.get("email")),
        username=_text(author.get("username")),
        ip=_text(values.get("ipAddress")),
    )


def read(file: BinaryIO, *, name: str) -> Iterator[Record]:
    """The threads and posts of an export, in file order. Raises DisqusError."""
    parser = safe_parser()
    depth, root = 0, None
    with refusing_bad_xml(name, parser, DisqusError):
        for event, element in iterparse(file, events=("start", "end"), parser=parser):
            if event == "start":
                depth += 1
                if depth == 1:
                    if _local(element.tag) != "disqus":
                        raise DisqusError(
                            f"{name} is not a Disqus export: its root element is "
                            f"<{_local(element.tag)}>, not <disqus>."
                        )
                    root = element
                continue
            depth -= 1
            if depth != 1:
                continue
            kind = _local(element.tag)
            if kind == "thread":
                yield _thread(element)
            elif kind == "post":
                yield _post(element)
            element.clear()
            root.clear()
