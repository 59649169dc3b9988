"""The floor plan's refusals."""

from django.utils.translation import gettext_lazy as _

from bookday.errors import ServiceError


class FloorError(ServiceError):
    """Why a floor plan, or a booth handed out on it, is refused."""

    messages = {
        "invalid_number": _("%(what)s: %(name)s must be a number of metres, for example 2.5."),
        "floor_size": _("The floor's width and depth must be more than 0 and at most 1000 m."),
        "too_many": _("A plan holds at most %(limit)s %(what)s."),
        "invalid_label": _(
            "Booth label “%(label)s”: use letters, digits, dots and dashes, at most 10 characters "
            "(for example A12 or B-03)."
        ),
        "duplicate_label": _("Booth label %(label)s is used twice: each booth needs its own label."),
        "negative_size": _("%(what)s: the width and depth must be more than 0 m."),
        "outside": _("%(what)s falls outside the floor (%(width)s × %(height)s m)."),
        "overlap": _("Booths %(first)s and %(second)s overlap."),
        "unknown_zone": _("Booth %(label)s: there is no zone named “%(zone)s” on this plan."),
        "zone_name": _("Every zone needs a name, used once."),
        "zone_colour": _("Zone %(zone)s: write the colour as #rrggbb, for example #dbeafe."),
        "unknown_gate": _("An entrance must be one of this event's gates."),
        "unknown_service": _("Choose the kind of every service."),
        "unknown_booth": _("There is no booth %(label)s on this event's plan."),
        "booth_taken": _("Booth %(label)s is already assigned to %(exhibitor)s."),
        "no_plan": _("This event has no floor plan yet."),
    }

    @property
    def message(self) -> str:
        return str(self.messages[self.code]) % {k: str(v) for k, v in self.params.items()}
