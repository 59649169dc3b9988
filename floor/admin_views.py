"""Wagtail admin: the plan editor (drag on a grid, or type in the tables) and choosing booths on
the plan for an application or an exhibitor. Thin: forms read input, floor.services decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from events.models import EventPage, Gate
from events.permissions import is_organiser
from floor.admin_forms import FloorForm, formsets, rows
from floor.models import Floor
from floor.services import holders
from floor.services.drawing import plan_data
from floor.services.errors import FloorError
from floor.services.plan import save_plan
from publishers.enums import ApplicationStatus
from publishers.models import Exhibitor, ExhibitorApplication
from publishers.services.applications import ApplicationError


class OrganisersOnly:
    def dispatch(self, request, *args, **kwargs):
        if not is_organiser(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = [{"url": reverse("floor_plans:index"), "label": gettext_lazy("Floor plans")}]
        event = getattr(self, "event", None)
        if event is not None and not isinstance(self, PlanEditView):
            items.append({"url": reverse("floor_plans:edit", args=[event.pk]), "label": event.title})
        if event is not None:
            items.append({"url": "", "label": f"{self.get_page_title()} · {self.get_page_subtitle()}"})
        return self.breadcrumbs_items + items


class PlanListView(OrganisersOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "floor/admin/plans.html"
    page_title = gettext_lazy("Floor plans")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        with_plan = set(Floor.objects.values_list("event_id", flat=True))
        context["events"] = [
            (event, event.pk in with_plan) for event in EventPage.objects.order_by("-start_date")
        ]
        return context


class PlanEditView(OrganisersOnly, WagtailAdminTemplateMixin, TemplateView):
    """The whole plan in one form: the drawing is a view of the booth table, dragging a booth
    writes its x and y into the table, and saving sends the table (works without JavaScript)."""

    template_name = "floor/admin/editor.html"
    page_title = gettext_lazy("Floor plan")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(EventPage, pk=kwargs["pk"])
        self.floor = Floor.objects.filter(event=self.event).first()
        self.gates = list(Gate.objects.filter(event=self.event))
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.event.title

    def get(self, request, *args, **kwargs):
        initial = (
            {"width": self.floor.width, "height": self.floor.height, "background": self.floor.background}
            if self.floor
            else {"width": 40, "height": 25}
        )
        return self.render(FloorForm(initial=initial), formsets(floor=self.floor, gates=self.gates))

    def post(self, request, *args, **kwargs):
        form = FloorForm(request.POST)
        tables = formsets(request.POST, floor=self.floor, gates=self.gates)
        if not (form.is_valid() and all(table.is_valid() for table in tables.values())):
            messages.error(request, _("Check the highlighted values."))
            return self.render(form, tables, status=400)
        data = form.cleaned_data
        entrances = [
            {**row, "gate": int(row["gate"]) if row["gate"] else None} for row in rows(tables["entrances"])
        ]
        try:
            save_plan(
                event=self.event,
                width=data["width"],
                height=data["height"],
                background=data["background"],
                zones=rows(tables["zones"]),
                booths=rows(tables["booths"]),
                entrances=entrances,
                services=rows(tables["services"]),
            )
        except FloorError as error:
            messages.error(request, error.message)
            return self.render(form, tables, status=409, error=error.message)
        messages.success(request, _("The floor plan of %(event)s is saved.") % {"event": self.event.title})
        return redirect("floor_plans:edit", pk=self.event.pk)

    def render(self, form, tables, status=200, error=""):
        context = self.get_context_data(
            form=form, tables=tables, error=error, event=self.event, floor=self.floor
        )
        context["config"] = {
            "grid": 0.5,
            "clash": _("These booths overlap:"),
            "background": self.floor.background.get_rendition("max-1600x1600").url
            if self.floor and self.floor.background
            else "",
            "holders": {
                b.label: b.exhibitor.publisher.name
                for b in self.floor.booths.select_related("exhibitor__publisher")
                if b.exhibitor_id
            }
            if self.floor
            else {},
        }
        context["map_url"] = reverse("event_map", args=[self.event.pk]) if self.floor else ""
        return self.render_to_response(context, status=status)


class ChooseBoothsView(OrganisersOnly, WagtailAdminTemplateMixin, TemplateView):
    """Booths chosen on the plan: free ones can be ticked, taken ones show their exhibitor.
    For an application under review it approves it; for an exhibitor it changes its booths."""

    template_name = "floor/admin/choose_booths.html"
    page_title = gettext_lazy("Choose booths on the plan")
    header_icon = "table"
    kind = "application"

    def dispatch(self, request, *args, **kwargs):
        if self.kind == "application":
            self.application = get_object_or_404(
                ExhibitorApplication.objects.select_related("event"), pk=kwargs["pk"]
            )
            self.exhibitor = Exhibitor.objects.filter(application=self.application).first()
            self.event = self.application.event
        else:
            self.exhibitor = get_object_or_404(
                Exhibitor.objects.select_related("event", "publisher"), pk=kwargs["pk"]
            )
            self.application = self.exhibitor.application
            self.event = self.exhibitor.event
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.exhibitor.publisher.name if self.exhibitor else self.application.organisation_name

    def get(self, request, *args, **kwargs):
        return self.render()

    def post(self, request, *args, **kwargs):
        labels = [label for label in request.POST.getlist("booth")[:200] if label]
        try:
            if self.exhibitor is None:
                if self.application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTED):
                    raise ApplicationError("already_approved")
                result = holders.approve_with_booths(
                    application=self.application, labels=labels, by=request.user
                )
                messages.success(
                    request,
                    _("%(name)s is approved, at booths %(booths)s.")
                    % {"name": result.publisher.name, "booths": result.exhibitor.booths or "—"},
                )
                return redirect("exhibitor_applications:inspect", self.application.pk)
            else:
                exhibitor = holders.choose_booths(exhibitor=self.exhibitor, labels=labels)
                messages.success(
                    request,
                    _("%(name)s now has booths %(booths)s.")
                    % {"name": exhibitor.publisher.name, "booths": exhibitor.booths or "—"},
                )
        except (FloorError, ApplicationError) as error:
            messages.error(request, error.message)
            return self.render(status=409, chosen=labels)
        return redirect(request.path)

    def render(self, status=200, chosen=None):
        floor = Floor.objects.with_plan().filter(event=self.event).first()
        own = self.exhibitor.pk if self.exhibitor else None
        if chosen is None:
            chosen = [b.label for b in floor.booths.all() if own and b.exhibitor_id == own] if floor else []
        context = self.get_context_data(
            event=self.event,
            application=self.application,
            exhibitor=self.exhibitor,
            plan=plan_data(
                floor,
                chosen=chosen,
                own_exhibitor=own,
                preferred_zone=self.application.preferred_zone if self.application else "",
            )
            if floor
            else None,
            edit_url=reverse("floor_plans:edit", args=[self.event.pk]),
        )
        return self.render_to_response(context, status=status)


class OrganisersMenuItem(MenuItem):
    def is_shown(self, request):
        return is_organiser(request.user)


class FloorPlanViewSet(ViewSet):
    name = "floor_plans"
    icon = "table"
    menu_label = gettext_lazy("Floor plans")
    menu_order = 170
    add_to_admin_menu = True
    menu_item_class = OrganisersMenuItem

    def get_urlpatterns(self):
        return [
            path("", PlanListView.as_view(), name="index"),
            path("<int:pk>/", PlanEditView.as_view(), name="edit"),
            path("applications/<int:pk>/", ChooseBoothsView.as_view(kind="application"), name="application"),
            path("exhibitors/<int:pk>/", ChooseBoothsView.as_view(kind="exhibitor"), name="exhibitor"),
        ]
