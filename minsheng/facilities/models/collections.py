"""Collections (books) of bookshops and libraries, by the Chinese Library Classification."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .register import Facility


class Title(models.Model):
    """A title a library holds: ``subject`` is its top-level CLC class letter
    (``facilities.clc``), ``year`` its publication year, ``copies`` how many, ``loans`` the
    loans recorded of it in the last twelve months."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="titles")
    title = models.CharField(_("title"), max_length=300)
    author = models.CharField(_("author"), max_length=200, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=17, blank=True)
    subject = models.CharField(_("subject class"), max_length=1)
    year = models.PositiveSmallIntegerField(_("publication year"))
    copies = models.PositiveIntegerField(_("copies"))
    loans = models.PositiveIntegerField(_("loans in the last 12 months"), default=0)
    added_on = models.DateField(_("added on"))

    class Meta:
        ordering = ["subject", "title"]
        verbose_name = _("title")
        verbose_name_plural = _("titles")
        indexes = [models.Index(fields=["facility", "subject"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(copies__gte=1), name="title_copies_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.subject}, {self.year})"
