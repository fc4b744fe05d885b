"""Our actors and their keys, the remote actors we know, who follows whom, what moderators
blocked, and every delivery (one row per activity and inbox)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from blog.models import Author
from core.models import TimeStampedModel


class LocalActor(TimeStampedModel):
    """The magazine or one author, as the fediverse sees them. The key pair is made once, when
    the actor is first needed, and kept: the private key is never served."""

    class Kind(models.TextChoices):
        MAGAZINE = "magazine", _("Magazine")
        AUTHOR = "author", _("Author")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    author = models.OneToOneField(
        Author,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fediverse_actor",
    )
    enabled = models.BooleanField(
        _("on the fediverse"),
        default=True,
        help_text=_(
            "Off: the actor's profile answers 410 Gone, its handle is not found and nothing is "
            "delivered on its behalf."
        ),
    )
    public_key_pem = models.TextField(_("public key"), editable=False)
    private_key_pem = models.TextField(_("private key"), editable=False)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("fediverse actor")
        verbose_name_plural = _("fediverse actors")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="magazine"),
                name="fediverse_one_magazine_actor",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="magazine", author__isnull=True)
                | models.Q(kind="author", author__isnull=False),
                name="fediverse_actor_kind_matches_author",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.MAGAZINE:
            return str(_("The magazine"))
        return str(self.author)


class RemoteActor(TimeStampedModel):
    """Someone on another server: what we keep of their actor document (no email ever)."""

    uri = models.URLField(_("actor address"), max_length=500, unique=True)
    domain = models.CharField(_("server"), max_length=255, db_index=True)
    preferred_username = models.CharField(_("username"), max_length=255, blank=True)
    name = models.CharField(_("display name"), max_length=255, blank=True)
    profile_url = models.URLField(_("profile"), max_length=500, blank=True)
    inbox = models.URLField(_("inbox"), max_length=500, blank=True)
    shared_inbox = models.URLField(_("shared inbox"), max_length=500, blank=True)
    key_id = models.CharField(_("key id"), max_length=500, blank=True, db_index=True)
    public_key_pem = models.TextField(_("public key"), blank=True)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
    blocked = models.BooleanField(
        _("blocked"),
        default=False,
        help_text=_("Its activities are refused and it follows no one here."),
    )

    class Meta:
        ordering = ["domain", "preferred_username"]
        verbose_name = _("remote actor")
        verbose_name_plural = _("remote actors")

    def __str__(self):
        if self.preferred_username:
            return f"@{self.preferred_username}@{self.domain}"
        return self.uri

    @property
    def delivery_inbox(self) -> str:
        return self.shared_inbox or self.inbox


class BlockedDomain(TimeStampedModel):
    """A server whose activities are all refused and whose actors follow no one here."""

    domain = models.CharField(_("server"), max_length=255, unique=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("blocked server")
        verbose_name_plural = _("blocked servers")

    def __str__(self):
        return self.domain


class Follower(models.Model):
    actor = models.ForeignKey(
        LocalActor, verbose_name=_("followed"), on_delete=models.CASCADE, related_name="followers"
    )
    remote = models.ForeignKey(
        RemoteActor, verbose_name=_("follower"), on_delete=models.CASCADE, related_name="follows"
    )
    follow_id = models.URLField(_("follow activity"), max_length=500, blank=True)
    created = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(fields=["actor", "remote"], name="fediverse_follow_once")
        ]

    def __str__(self):
        return f"{self.remote} → {self.actor}"


class InboxItem(TimeStampedModel):
    """An activity posted to one of our inboxes, kept as received until a task has checked its
    signature (fetching the sender's key if need be) and acted on it."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    domain = models.CharField(_("server"), max_length=255, db_index=True)
    key_id = models.CharField(_("key id"), max_length=500)
    signed_text = models.TextField(_("signed text"))
    signature = models.TextField(_("signature"))
    body = models.TextField(_("activity"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("received activity")
        verbose_name_plural = _("received activities")
        indexes = [models.Index(fields=["status", "created"], name="fediverse_inbox_status_idx")]

    def __str__(self):
        return f"{self.domain} {self.created:%Y-%m-%d %H:%M}"


class Delivery(TimeStampedModel):
    """One activity to one inbox: made once (unique), sent by a task, retried with backoff."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    actor = models.ForeignKey(
        LocalActor, verbose_name=_("sender"), on_delete=models.CASCADE, related_name="deliveries"
    )
    activity_id = models.CharField(_("activity"), max_length=500)
    inbox = models.URLField(_("inbox"), max_length=500)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["activity_id", "inbox"], name="fediverse_deliver_once")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="fediverse_delivery_due_idx")
        ]

    def __str__(self):
        return f"{self.activity_id} → {self.inbox}"


class FederatedArticle(models.Model):
    """What the fediverse was last told of an article: whether it is out there, by whom, and a
    fingerprint of the object sent, so an edit sends one Update and a save that changed nothing
    sends none. Keyed by the article's id, not a foreign key: a deleted article still has its
    Delete to send."""

    article_id = models.PositiveBigIntegerField(_("article"), unique=True)
    live = models.BooleanField(_("out there"), default=False)
    actor_ids = models.JSONField(_("announced by"), default=list)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("federated article")
        verbose_name_plural = _("federated articles")

    def __str__(self):
        return f"{self.article_id} ({'live' if self.live else 'withdrawn'})"


class RemoteNote(models.Model):
    """A reply from the fediverse and the comment it became: its id answers the next reply in
    its thread, its Update and its Delete (and makes a second delivery of it a no-op)."""

    uri = models.URLField(_("note address"), max_length=500, unique=True)
    remote = models.ForeignKey(
        RemoteActor, verbose_name=_("author"), on_delete=models.CASCADE, related_name="notes"
    )
    comment = models.OneToOneField(
        "comments.Comment",
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="fediverse_note",
    )
    created = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("reply from the fediverse")
        verbose_name_plural = _("replies from the fediverse")

    def __str__(self):
        return self.uri


class Reaction(models.Model):
    """A like or a boost of one of our articles: counted per article, not shown per person."""

    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        BOOST = "boost", _("Boost")

    article_id = models.PositiveBigIntegerField(_("article"), db_index=True)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    remote = models.ForeignKey(
        RemoteActor, verbose_name=_("by"), on_delete=models.CASCADE, related_name="reactions"
    )
    activity_id = models.URLField(_("activity"), max_length=500, blank=True)
    created = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["article_id", "kind", "remote"], name="fediverse_react_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.article_id}"
