"""Where each imported comment of one post goes in our comment tree, worked out in memory.

WordPress stores replies as comment_parent links and tolerates anything in them; our tree has
rules (DESIGN.md): siblings in date order, at most `max_depth` levels, one root per thread. The
plan follows them:

- a comment whose parent is missing from the export (or was not imported) starts a thread;
- a cycle of parents is broken at its oldest comment, which starts a thread (with a warning);
- a comment deeper than the maximum is attached to its deepest allowed ancestor, as a forged
  deep reply is when posted (comments.services), so it shows as a sibling at the deepest level;
- comments already imported by an earlier run stay where they are; new replies to them are
  "grafts", inserted into the existing thread by django-mptt (see wordpress.threads).

New threads get lft/rght/level computed here, so they can be inserted in bulk.

A node knows its parent, never its children (those are listed only while a thread is numbered):
a plan holds no reference cycle, so each discussion's nodes, and the comments built for them,
are freed as soon as it is imported. With parent <-> children links every discussion was cyclic
garbage that only a full collection frees, and Python runs one only when the objects surviving
since the last grow by a quarter of all long-lived ones: in a process holding the whole
application, a long import could pass without one, and its memory grew with the file.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from comments import conf


@dataclass(slots=True)
class Existing:
    """A comment already in the database (imported earlier): its fixed place in the tree."""

    pk: int
    tree_id: int
    lft: int
    rght: int
    level: int


@dataclass(slots=True, eq=False)
class Node:
    wp_id: int
    wp_parent: int
    date: datetime
    record: object = None  # what the caller needs to create the comment
    existing: Existing | None = None
    parent: "Node | None" = None  # where it goes, after orphans, cycles and depth
    level: int = 0
    lft: int = 0
    rght: int = 0
    reattached: bool = False
    comment: object = None  # the Comment built for it, once inserted

    @property
    def sort_key(self):
        return (self.date, self.wp_id)


@dataclass
class Plan:
    threads: list[list[Node]] = field(default_factory=list)  # each in tree order, root first
    grafts: list[Node] = field(default_factory=list)  # parents before children
    existing: list[Node] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)  # wp ids whose parent was missing
    cycles: list[list[int]] = field(default_factory=list)
    reattached: list[int] = field(default_factory=list)


def plan(
    nodes: list[Node],
    *,
    max_depth: int,
    ancestor_at: Callable[[Existing, int], Existing],
) -> Plan:
    """Place `nodes` (one post's comments, existing ones flagged) in a tree at most
    `max_depth` levels deep. `ancestor_at(existing, level)` reads an existing comment's
    ancestor at that level from the database (needed only below a deep existing comment)."""
    result = Plan()
    by_id: dict[int, Node] = {}
    for node in nodes:
        by_id.setdefault(node.wp_id, node)
    new = [node for node in by_id.values() if node.existing is None]
    result.existing = [node for node in by_id.values() if node.existing is not None]
    exported_parent = _exported_parents(new, by_id, result)
    _break_cycles(new, exported_parent, result)
    queue = _placed_top_down(
        new,
        exported_parent,
        _Placement(conf.deepest_parent_level(max_depth), ancestor_at),
        result,
    )
    _assemble(queue, result)
    return result


def _exported_parents(new: list[Node], by_id: dict[int, Node], result: Plan) -> dict:
    """Each new comment's parent as the export names it (None for a root or an orphan)."""
    exported_parent: dict[int, Node | None] = {}
    for node in new:
        parent = by_id.get(node.wp_parent) if node.wp_parent else None
        if node.wp_parent and parent is None:
            result.orphans.append(node.wp_id)
        exported_parent[node.wp_id] = parent
    return exported_parent


class _Placement:
    """The depth rule: where a comment hangs, given the parent the export names."""

    def __init__(self, deepest_parent_level: int, ancestor_at):
        self.deepest_parent_level = deepest_parent_level
        self.ancestor_at = ancestor_at
        self.wrapped: dict[int, Node] = {}

    def wrap(self, existing: Existing) -> Node:
        """An existing comment as a Node (one per comment), to hang new ones from."""
        node = self.wrapped.get(existing.pk)
        if node is None:
            node = self.wrapped[existing.pk] = Node(
                wp_id=0, wp_parent=0, date=datetime.min, existing=existing, level=existing.level
            )
        return node

    def place(self, node: Node, parent: Node | None) -> None:
        """Set node.parent, node.level and node.reattached: under its parent if that is not too
        deep, else under the parent's ancestor at the deepest level that may have replies."""
        if parent is not None and parent.existing is not None:
            parent = self.wrap(parent.existing)
        deepest = self.deepest_parent_level
        if parent is None or deepest < 0:
            node.parent, node.level = None, 0
            node.reattached = parent is not None
        elif parent.level <= deepest:
            node.parent, node.level = parent, parent.level + 1
        else:
            ancestor = parent
            while ancestor.level > deepest:
                if ancestor.existing is not None:
                    ancestor = self.wrap(self.ancestor_at(ancestor.existing, deepest))
                    break
                ancestor = ancestor.parent
            node.parent, node.level, node.reattached = ancestor, deepest + 1, True


def _placed_top_down(new, exported_parent, placement: _Placement, result: Plan) -> list[Node]:
    """Every new comment placed once its exported parent is; returned parents first."""
    below: dict[int, list[Node]] = {}
    queue: list[Node] = []
    for node in new:
        parent = exported_parent[node.wp_id]
        if parent is None or parent.existing is not None:
            queue.append(node)
        else:
            below.setdefault(parent.wp_id, []).append(node)
    queue.sort(key=lambda n: n.sort_key)
    index = 0
    while index < len(queue):
        node = queue[index]
        index += 1
        placement.place(node, exported_parent[node.wp_id])
        if node.reattached:
            result.reattached.append(node.wp_id)
        queue.extend(sorted(below.get(node.wp_id, ()), key=lambda n: n.sort_key))
    return queue


def _assemble(queue: list[Node], result: Plan) -> None:
    """New threads (numbered in tree order) and grafts under existing comments."""
    roots, grafted = [], set()
    children: dict[Node, list[Node]] = {}  # local: nodes link only to their parents
    for node in queue:  # parents come before their children in `queue`
        if node.parent is None:
            roots.append(node)
        elif node.parent.existing is not None or node.parent in grafted:
            result.grafts.append(node)
            grafted.add(node)
        else:
            children.setdefault(node.parent, []).append(node)
    result.grafts.sort(key=lambda n: (n.level, n.sort_key))
    for root in sorted(roots, key=lambda n: n.sort_key):
        result.threads.append(_numbered(root, children))


def _break_cycles(new: list[Node], parent_of: dict[int, Node | None], result: Plan) -> None:
    """Parent links among new comments that loop back: the oldest comment of each loop
    becomes a thread of its own."""
    done: set[int] = set()
    for start in new:
        path: list[Node] = []
        on_path: set[int] = set()
        node: Node | None = start
        while node is not None and node.existing is None and node.wp_id not in done:
            if node.wp_id in on_path:
                cycle = path[path.index(node) :]
                oldest = min(cycle, key=lambda n: n.sort_key)
                parent_of[oldest.wp_id] = None
                result.cycles.append(sorted(n.wp_id for n in cycle))
                break
            path.append(node)
            on_path.add(node.wp_id)
            node = parent_of[node.wp_id]
        done.update(on_path)


def _numbered(root: Node, children: dict[Node, list[Node]]) -> list[Node]:
    """The thread in tree order with lft/rght set, children in date order."""
    ordered: list[Node] = []
    counter = 1
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            node.rght = counter
            counter += 1
            continue
        node.lft = counter
        counter += 1
        ordered.append(node)
        stack.append((node, True))
        below = sorted(children.get(node, ()), key=lambda n: n.sort_key)
        stack.extend((child, False) for child in reversed(below))
    return ordered
