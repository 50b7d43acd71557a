"""Partner focal points: staff accounts that report follow-up for one organization."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FocalPoint(models.Model):
    """Ties a user to the organization on whose behalf they report follow-up updates."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="focal_point",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        "consultations.Organization",
        on_delete=models.PROTECT,
        related_name="focal_points",
        verbose_name=_("organization"),
        help_text=_("The user can report updates on behalf of this organization only."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner focal point")
        verbose_name_plural = _("partner focal points")

    def __str__(self) -> str:
        return f"{self.user} ({self.organization})"
