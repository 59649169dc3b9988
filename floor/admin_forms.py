"""The plan editor's forms: one small form per row of each table. They only read numbers and
choices; every rule of a plan is floor.services.plan's."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.images.widgets import AdminImageChooser

from floor.enums import ServiceKind

METRES = {"max_digits": 6, "decimal_places": 2, "widget": forms.NumberInput(attrs={"step": "0.1"})}


class FloorForm(forms.Form):
    width = forms.DecimalField(label=_("Width (m)"), **METRES)
    height = forms.DecimalField(label=_("Depth (m)"), **METRES)
    background = forms.ModelChoiceField(
        label=_("Background drawing"),
        queryset=None,
        required=False,
        widget=AdminImageChooser,
        help_text=_("Optional: the venue's drawing, stretched to the floor's width and depth."),
    )

    def __init__(self, *args, **kwargs):
        from wagtail.images import get_image_model

        super().__init__(*args, **kwargs)
        self.fields["background"].queryset = get_image_model().objects.all()


class ZoneForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    colour = forms.CharField(
        label=_("Colour"), max_length=7, initial="#dbeafe", widget=forms.TextInput(attrs={"type": "color"})
    )
    x = forms.DecimalField(label="x", **METRES)
    y = forms.DecimalField(label="y", **METRES)
    width = forms.DecimalField(label=_("Width"), **METRES)
    height = forms.DecimalField(label=_("Depth"), **METRES)


class BoothForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=_("Label"), max_length=10)
    x = forms.DecimalField(label="x", **METRES)
    y = forms.DecimalField(label="y", **METRES)
    width = forms.DecimalField(label=_("Width"), initial=3, **METRES)
    height = forms.DecimalField(label=_("Depth"), initial=3, **METRES)
    zone = forms.ChoiceField(label=_("Zone"), required=False)

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [("", "—"), *((name, name) for name in zones)]


class EntranceForm(forms.Form):
    gate = forms.ChoiceField(label=_("Gate"))
    x = forms.DecimalField(label="x", **METRES)
    y = forms.DecimalField(label="y", **METRES)

    def __init__(self, *args, gates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gate"].choices = [("", "—"), *((str(gate.pk), gate.name) for gate in gates)]


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *ServiceKind.choices])
    label = forms.CharField(label=_("Label"), max_length=60, required=False)
    x = forms.DecimalField(label="x", **METRES)
    y = forms.DecimalField(label="y", **METRES)


def formsets(data=None, *, floor=None, gates=(), extra_booths=6):
    """The four tables, filled from the plan (or from what was posted)."""
    zones = list(floor.zones.all()) if floor else []
    booths = list(floor.booths.select_related("zone")) if floor else []
    entrances = list(floor.entrances.all()) if floor else []
    services = list(floor.services.all()) if floor else []
    zone_names = [zone.name for zone in zones]
    kinds = {
        "zones": (
            ZoneForm,
            [_values(z, "name", "colour", "x", "y", "width", "height") for z in zones],
            3,
            {},
        ),
        "booths": (
            BoothForm,
            [
                {
                    **_values(b, "id", "label", "x", "y", "width", "height"),
                    "zone": b.zone.name if b.zone else "",
                }
                for b in booths
            ],
            extra_booths,
            {"zones": zone_names},
        ),
        "entrances": (
            EntranceForm,
            [{"gate": str(e.gate_id), "x": e.x, "y": e.y} for e in entrances],
            2,
            {"gates": gates},
        ),
        "services": (ServiceForm, [_values(s, "kind", "label", "x", "y") for s in services], 3, {}),
    }
    result = {}
    for prefix, (form_class, initial, extra, kwargs) in kinds.items():
        formset_class = forms.formset_factory(
            form_class, extra=extra, can_delete=True, max_num=2000, absolute_max=2000, validate_max=True
        )
        result[prefix] = formset_class(data, initial=initial, prefix=prefix, form_kwargs=kwargs)
    return result


def _values(obj, *names) -> dict:
    return {name: getattr(obj, name) for name in names}


def rows(formset) -> list[dict]:
    """The filled rows of a valid formset, without the ones marked for deletion."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
