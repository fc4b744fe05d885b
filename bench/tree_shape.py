"""The shape of a benchmark discussion, with no Django import: shared by bench.comments (Rivista's
models) and bench.xtd_site (django-comments-xtd, in its own virtualenv), so both build the same
tree from the same seed.

30% of the comments are thread roots; each reply picks a random earlier comment of a random
thread whose level is below the maximum, so threads reach the maximum depth. Bodies are about
300 characters of Italian words.
"""

import random
from dataclasses import dataclass

SEED = 20261129
BODY_WORDS = [
    "redazione",
    "articolo",
    "lettori",
    "commento",
    "giornalismo",
    "notizia",
    "fonte",
    "verifica",
    "dato",
    "inchiesta",
    "cronaca",
    "politica",
    "cultura",
    "scienza",
    "ambiente",
    "città",
    "regione",
    "mercato",
    "lavoro",
    "scuola",
    "futuro",
]


@dataclass
class TreeShape:
    """Comments 0..count-1; a parent always has a smaller index than its replies."""

    count: int
    roots: int
    parent_of: dict[int, int | None]
    levels: dict[int, int]
    children: dict[int, list[int]]


def body(rng: random.Random) -> str:
    words = []
    while sum(len(w) + 1 for w in words) < 300:
        words.append(rng.choice(BODY_WORDS))
    return " ".join(words).capitalize() + "."


def tree_shape(count: int, rng: random.Random, max_level: int) -> TreeShape:
    """`max_level` is the deepest level a reply may have (roots are level 0)."""
    roots = max(1, round(count * 0.3))
    children: dict[int, list[int]] = {i: [] for i in range(count)}
    parent_of: dict[int, int | None] = {}
    levels: dict[int, int] = {}
    thread_nodes: list[list[int]] = []
    for i in range(count):
        if i < roots:
            parent_of[i], levels[i] = None, 0
            thread_nodes.append([i])
            continue
        thread = rng.choice(thread_nodes)
        candidates = [n for n in thread if levels[n] < max_level]
        parent = rng.choice(candidates)
        parent_of[i], levels[i] = parent, levels[parent] + 1
        children[parent].append(i)
        thread.append(i)
    return TreeShape(count, roots, parent_of, levels, children)
