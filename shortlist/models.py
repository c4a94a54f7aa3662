"""A visitor's personal shortlist of events, kept under a long random token, without an account.

Only a hash of the token is stored: the token itself lives in the visitor's cookie and in the
private feed address, so even a copy of the database does not open anyone's list or feed.
"""

import datetime
import hashlib
import re
import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# 32 random bytes: 43 URL-safe characters, far beyond guessing or enumerating.
TOKEN_BYTES = 32
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
# Recording every feed fetch would write on each calendar refresh; once a day is enough for expiry.
TOUCH_EVERY = datetime.timedelta(days=1)


def max_events():
    return int(getattr(settings, "SHORTLIST_MAX_EVENTS", 100))


def expiry_days():
    return int(getattr(settings, "SHORTLIST_EXPIRY_DAYS", 180))


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class ShortlistQuerySet(models.QuerySet):
    def for_token(self, token):
        """The list of ``token``, or nothing for a malformed or unknown one (never an error)."""
        if not isinstance(token, str) or not TOKEN_RE.match(token):
            return self.none()
        return self.filter(token_hash=hash_token(token))

    def abandoned(self, now):
        """Lists nobody has opened, changed or fetched for ``SHORTLIST_EXPIRY_DAYS``."""
        return self.filter(used_at__lt=now - datetime.timedelta(days=expiry_days()))


class Shortlist(models.Model):
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    used_at = models.DateTimeField(_("last used"), default=timezone.now, db_index=True)
    events = models.ManyToManyField(
        "events.Event", verbose_name=_("events"), through="ShortlistItem", related_name="+"
    )

    objects = ShortlistQuerySet.as_manager()

    class Meta:
        ordering = ["-used_at"]
        verbose_name = _("shortlist")
        verbose_name_plural = _("shortlists")

    def __str__(self):
        return f"{_('shortlist')} {self.pk}"

    @classmethod
    def create_with_token(cls):
        """A new, empty list and its token (the only time the token is known)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        return cls.objects.create(token_hash=hash_token(token)), token

    def new_token(self):
        """Revoke the current token: the old address and feed stop working at once."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self.token_hash = hash_token(token)
        self.used_at = timezone.now()
        self.save(update_fields=["token_hash", "used_at"])
        return token

    def touch(self, now):
        if now - self.used_at >= TOUCH_EVERY:
            Shortlist.objects.filter(pk=self.pk).update(used_at=now)
            self.used_at = now

    def add(self, event):
        """Add ``event``; False when the list is full. Counting and adding are one transaction,
        and the row lock keeps two simultaneous saves from passing the bound together."""
        with transaction.atomic():
            Shortlist.objects.select_for_update().filter(pk=self.pk).first()
            items = ShortlistItem.objects.filter(shortlist=self)
            if items.filter(event=event).exists():
                return True
            if items.count() >= max_events():
                return False
            ShortlistItem.objects.create(shortlist=self, event=event)
            Shortlist.objects.filter(pk=self.pk).update(used_at=timezone.now())
        return True


class ShortlistItem(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="items")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("shortlisted event")
        verbose_name_plural = _("shortlisted events")
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "event"], name="shortlist_event_once"),
        ]

    def __str__(self):
        return f"{self.shortlist} · {self.event_id}"
