"""The organisers' own registration questions: defined in the event's page editor, answered on
the registration form and the API, checked by events.services.questions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from events.enums import CHOICE_KINDS, CHOICE_MAX_LENGTH, MAX_CHOICES, QuestionAudience, QuestionKind
from events.models.registration import is_group


class RegistrationQuestion(Orderable):
    page = ParentalKey("events.EventPage", on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(
        _("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.CHOICE
    )
    label = models.CharField(_("question"), max_length=200)
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_("One choice per line; only for one-choice and several-choice questions."),
    )
    required = models.BooleanField(_("required"), default=False)
    audience = models.CharField(
        _("asked of"), max_length=12, choices=QuestionAudience.choices, default=QuestionAudience.EVERYONE
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=300,
        help_text=_(
            "Why the organisers ask it, e.g. “To plan next year's publicity”. Shown in the privacy notice."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("audience"), FieldPanel("required")]),
        FieldPanel("label"),
        FieldPanel("choices"),
        FieldPanel("purpose"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")

    def __str__(self):
        return self.label

    @property
    def key(self) -> str:
        """The question's key in Registration.answers and in the API's ``answers``."""
        return str(self.pk)

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def audience_note(self) -> str:
        """Who is asked, when it is not everyone ("Groups only"); "" otherwise."""
        return "" if self.audience == QuestionAudience.EVERYONE else self.get_audience_display()

    def asked_of(self, *, party_size: int, organisation: str) -> bool:
        """Whether a registration of this party (and organisation) is asked this question."""
        if self.audience == QuestionAudience.EVERYONE:
            return True
        group = is_group(party_size=party_size, organisation=organisation)
        return group == (self.audience == QuestionAudience.GROUPS)

    def clean(self):
        super().clean()
        choices = self.choice_list
        if not self.has_choices:
            if choices:
                raise ValidationError(
                    {"choices": _("Only one-choice and several-choice questions have choices.")}
                )
            return
        if len(choices) < 2:
            raise ValidationError({"choices": _("Give at least two choices, one per line.")})
        if len(choices) > MAX_CHOICES:
            raise ValidationError({"choices": _("At most %(max)s choices.") % {"max": MAX_CHOICES}})
        seen = set()
        for choice in choices:
            if len(choice) > CHOICE_MAX_LENGTH:
                raise ValidationError(
                    {
                        "choices": _("A choice can be at most %(max)s characters: “%(choice)s”.")
                        % {"max": CHOICE_MAX_LENGTH, "choice": choice[:40]}
                    }
                )
            if choice.casefold() in seen:
                raise ValidationError({"choices": _("“%(choice)s” is listed twice.") % {"choice": choice}})
            seen.add(choice.casefold())
        # Stored as the organisers see it after cleaning: no blank lines or stray spaces.
        self.choices = "\n".join(choices)
