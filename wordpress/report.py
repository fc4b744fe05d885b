"""What an import did: counts per type, and why anything was skipped, in bounded memory.

A big export can skip thousands of things for the same reason (pingbacks, say): each reason is
counted, with the first few examples kept to show.
"""

from collections import Counter
from dataclasses import dataclass, field

EXAMPLES_KEPT = 5
TYPES = (
    "authors", "categories", "tags", "articles", "pages", "comments", "featured images",
    "images", "galleries", "embeds", "redirects",
)  # fmt: skip


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


@dataclass
class ImportReport:
    source: str = ""
    wxr_version: str = ""
    dry_run: bool = False
    tallies: dict[str, Tally] = field(default_factory=lambda: {t: Tally() for t in TYPES})
    skipped: Counter = field(default_factory=Counter)  # (type, reason) -> count
    notes: Counter = field(default_factory=Counter)  # (type, note) -> count
    warnings: Counter = field(default_factory=Counter)  # message -> count
    examples: dict[tuple, list[str]] = field(default_factory=dict)
    uploads_found: set[str] = field(default_factory=set)  # paths below the uploads root
    uploads_missing: set[str] = field(default_factory=set)
    uploads_imported: set[str] = field(default_factory=set)
    items_read: int = 0
    comments_read: int = 0

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        tally = self.tallies[kind]
        setattr(tally, outcome, getattr(tally, outcome) + n)

    def skip(self, kind: str, reason: str, example: str = "", *, counted: bool = True) -> None:
        self.skipped[kind, reason] += 1
        if counted:
            self.count(kind, "skipped")
        self._example((kind, reason), example)

    def note(self, kind: str, note: str, example: str = "") -> None:
        self.notes[kind, note] += 1
        self._example((kind, note), example)

    def warn(self, message: str, example: str = "") -> None:
        self.warnings[message] += 1
        self._example((message,), example)

    def upload(self, path: str, *, found: bool = True, imported: bool = False) -> None:
        """One of the export's uploads (by its original's path) looked up, or imported."""
        if imported:
            self.uploads_imported.add(path)
        elif found:
            self.uploads_found.add(path)
            self.uploads_missing.discard(path)
        elif path not in self.uploads_found:
            self.uploads_missing.add(path)

    def _example(self, key: tuple, example: str) -> None:
        if example:
            kept = self.examples.setdefault(key, [])
            if len(kept) < EXAMPLES_KEPT:
                kept.append(example)

    def _with_examples(self, key: tuple, text: str, count: int) -> str:
        examples = self.examples.get(key, [])
        line = f"  {text}: {count}"
        if examples:
            more = ", …" if count > len(examples) else ""
            line += f" (e.g. {', '.join(examples)}{more})"
        return line

    def summary(self) -> str:
        lines = []
        heading = f"WordPress import from {self.source or 'an unnamed site'}"
        if self.wxr_version:
            heading += f" (WXR {self.wxr_version})"
        if self.dry_run:
            heading += ": DRY RUN, nothing was saved"
        lines.append(heading)
        lines.append(f"Read {self.items_read} items and {self.comments_read} comments.")
        width = max(len(t) for t in TYPES)
        lines.append(f"{'':{width}}  {'created':>8} {'updated':>8} {'unchanged':>9} {'skipped':>8}")
        for kind, tally in self.tallies.items():
            lines.append(
                f"{kind:{width}}  {tally.created:>8} {tally.updated:>8} "
                f"{tally.unchanged:>9} {tally.skipped:>8}"
            )
        if self.uploads_found or self.uploads_missing:
            lines.append(
                f"Uploads of the export: {len(self.uploads_found)} found under --media-dir, "
                f"{len(self.uploads_imported)} imported (each once), "
                f"{len(self.uploads_missing)} missing."
            )
        if self.skipped:
            lines.append("Skipped:")
            for (kind, reason), count in sorted(self.skipped.items()):
                lines.append(self._with_examples((kind, reason), f"{kind}: {reason}", count))
        if self.notes:
            lines.append("Notes:")
            for (kind, note), count in sorted(self.notes.items()):
                lines.append(self._with_examples((kind, note), f"{kind}: {note}", count))
        if self.warnings:
            lines.append("Warnings:")
            for message, count in sorted(self.warnings.items()):
                lines.append(self._with_examples((message,), message, count))
        return "\n".join(lines)
