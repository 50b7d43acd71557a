"""One row that says whether anything public has changed: the data version.

The database gives ``version`` a new value at every write to a table of the consultations
and recommendations apps (triggers in ``recommendations/triggers.py``), whichever way the
write comes: admin, import, API, bulk operation or raw SQL; never a value it gave before,
even to a transaction that was rolled back. ETags and cached
computations are keyed on it, so a single-row read answers “has anything changed since?”
and a write invalidates them all without anyone having to remember to.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """Kept by the database; never written from Python."""

    version = models.BigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed at"), null=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.version} ({self.changed_at})"


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: datetime.datetime | None


def data_version(using: str = "default") -> Version:
    """The current data version: one row, read in the caller's transaction."""
    row = DataVersion.objects.using(using).filter(pk=1).values_list("version", "changed_at")
    found = row.first()
    if found is None:
        return Version(0, None)
    return Version(*found)
