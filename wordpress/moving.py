"""What every move into (and out of) the site shares, written once for every format.

- The report: created / updated / unchanged / skipped per type, why anything was skipped (each
  reason counted, the first few examples kept, so a big file costs bounded memory), notes and
  warnings, and the summary table every command prints.
- The progress counter: what has been read so far, then what has been written in a phase that
  follows the reading (a Disqus import's threads), shown on stderr every PROGRESS_EVERY records,
  less often as the count grows (every 1,000 from 1,000, every 10,000 from 10,000: a 200,000-post
  file prints some forty lines).
- The idempotency rule: every object brought in is remembered under its source (a WordPress site's
  address, "disqus:<forum>") and its id there, in WordPressObject; a second run finds it instead of
  creating it again, and an object deleted here (its mapping emptied) is not brought back.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand

from wordpress.models import WordPressObject

EXAMPLES_KEPT = 5
PROGRESS_EVERY = 100
PROGRESS_EVERY_AT_MOST = 10_000
LOOKUP_CHUNK = 500
WORDPRESS_TYPES = (
    "authors", "categories", "tags", "articles", "pages", "comments", "featured images",
    "images", "galleries", "embeds", "menus", "menu items", "redirects",
)  # fmt: skip


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


@dataclass
class ImportReport:
    title: str = "WordPress import"
    source: str = ""
    version: str = ""  # of the file's format, as the heading shows it ("WXR 1.2")
    dry_run: bool = False
    types: tuple[str, ...] = WORDPRESS_TYPES
    # What the progress counter and the summary say was read, in this order.
    reading: tuple[str, ...] = ("items", "comments")
    progress: Callable[["ImportReport"], None] | None = None
    tallies: dict[str, Tally] = field(default_factory=dict)
    read: Counter = field(default_factory=Counter)
    # The phase after the reading, if any: what it does, how many of how many are done.
    writing: str = ""
    written: int = 0
    writing_total: int = 0
    skipped: Counter = field(default_factory=Counter)  # (type, reason) -> count
    notes: Counter = field(default_factory=Counter)  # (type, note) -> count
    warnings: Counter = field(default_factory=Counter)  # message -> count
    examples: dict[tuple, list[str]] = field(default_factory=dict)
    uploads_found: set[str] = field(default_factory=set)  # paths below the uploads root
    uploads_missing: set[str] = field(default_factory=set)
    uploads_imported: set[str] = field(default_factory=set)

    def __post_init__(self):
        self.tallies = {kind: Tally() for kind in self.types}

    def reading_one(self, what: str, *, also: dict[str, int] | None = None) -> None:
        """One more record read (and what it holds); the counter is shown every
        PROGRESS_EVERY records of the first kind."""
        self.read[what] += 1
        for name, n in (also or {}).items():
            self.read[name] += n
        if self.progress and what == self.reading[0] and progress_due(self.read[what]):
            self.progress(self)

    def writing_one(self, what: str, *, total: int) -> None:
        """One more of `total` done in a phase after the reading ("threads imported"); the
        counter is shown as often as for reading, and at the last one."""
        if what != self.writing:
            self.writing, self.written = what, 0
        self.written += 1
        self.writing_total = total
        if self.progress and (progress_due(self.written) or self.written == total):
            self.progress(self)

    def reading_line(self) -> str:
        line = ", ".join(f"{self.read[name]} {name}" for name in self.reading)
        if self.writing:
            line += f" read; {self.written} of {self.writing_total} {self.writing}"
        return line

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
        heading = f"{self.title} from {self.source or 'an unnamed site'}"
        if self.version:
            heading += f" ({self.version})"
        if self.dry_run:
            heading += ": DRY RUN, nothing was saved"
        lines.append(heading)
        read = [f"{self.read[name]} {name}" for name in self.reading]
        lines.append(f"Read {' and '.join(read)}.")
        width = max(len(t) for t in self.types)
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


def progress_due(count: int) -> bool:
    """Every PROGRESS_EVERY up to 1,000, then every 1,000 up to 10,000, then every 10,000."""
    step = min(max(PROGRESS_EVERY, 10 ** (len(str(count)) - 1)), PROGRESS_EVERY_AT_MOST)
    return count % step == 0


class SourceIds:
    """The idempotency rule: which object here each object of one source became."""

    def __init__(self, source: str = ""):
        self.source = source

    def mapping(self, kind: str, source_id) -> WordPressObject | None:
        mappings = WordPressObject.objects.filter(source=self.source, kind=kind)
        return mappings.filter(wp_id=str(source_id)).first()

    def mappings(self, kind: str, source_ids: Iterable) -> dict[str, WordPressObject]:
        """The mappings of many ids at once (in chunks: a query takes a bounded list)."""
        ids, found = [str(i) for i in source_ids], {}
        for start in range(0, len(ids), LOOKUP_CHUNK):
            for mapping in WordPressObject.objects.filter(
                source=self.source, kind=kind, wp_id__in=ids[start : start + LOOKUP_CHUNK]
            ):
                found[mapping.wp_id] = mapping
        return found

    def remember(self, kind: str, source_id, fingerprint: str, **target) -> WordPressObject:
        return WordPressObject.objects.create(
            source=self.source, kind=kind, wp_id=str(source_id), digest=fingerprint, **target
        )

    def mapping_for(self, kind: str, source_id, fingerprint: str, **target) -> WordPressObject:
        """An unsaved mapping, for bulk_create."""
        return WordPressObject(
            source=self.source, kind=kind, wp_id=str(source_id), digest=fingerprint, **target
        )


class ImportCommand(BaseCommand):
    """What every import command shares: the progress counter on stderr, the summary on
    stdout."""

    def show_progress(self, report: ImportReport) -> None:
        """Rewritten in place on a terminal, a line each in a log."""
        line = report.reading_line() if report.writing else f"{report.reading_line()} read"
        self.stderr.write(f"… {line}", ending="\r" if self.stderr.isatty() else "\n")
        self.stderr.flush()

    def show_summary(self, report: ImportReport) -> None:
        if self.stderr.isatty():
            self.stderr.write("")  # end the progress line
        self.stdout.write(report.summary())
