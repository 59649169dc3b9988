from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    PUBLISHING_HOUSE = "publishing_house", _("Publishing house")
    DISTRIBUTOR = "distributor", _("Distributor")
    BOOKSHOP = "bookshop", _("Bookshop")
    LIBRARY = "library", _("Library")
    OTHER = "other", _("Other")


class ApplicationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for the applicant's confirmation")
    SUBMITTED = "submitted", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class BoothSize(models.TextChoices):
    SMALL = "small", _("Small (3 × 2 m)")
    STANDARD = "standard", _("Standard (3 × 3 m)")
    LARGE = "large", _("Large (6 × 3 m)")
    PAVILION = "pavilion", _("Pavilion (9 × 6 m or more)")


class Language(models.TextChoices):
    VIETNAMESE = "vi", _("Vietnamese")
    ENGLISH = "en", _("English")
    BILINGUAL = "vi-en", _("Vietnamese and English")
    OTHER = "other", _("Other")


class ImportStatus(models.TextChoices):
    # QUEUED and PARSING: the task worker has the file; the rest are settled.
    QUEUED = "queued", _("Waiting to be read")
    PARSING = "parsing", _("Being read")
    PREVIEWED = "previewed", _("Waiting for confirmation")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired: not confirmed in time")


class ImportAction(models.TextChoices):
    """What an import does with one row of the spreadsheet."""

    CREATE = "create", _("New title")
    UPDATE = "update", _("Updated")
    UNCHANGED = "unchanged", _("Unchanged")
    REFUSED = "refused", _("Refused")
