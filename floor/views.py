"""The public floor map and its printable PDF. Thin: floor.services.drawing reads the plan."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from events.views import live_event
from floor.models import Floor
from floor.services.drawing import PAPER, map_pdf, plan_data
from floor.services.errors import FloorError
from floor.services.plan import booth_label


def _asked_booth(request) -> str:
    try:
        return booth_label(request.GET.get("booth", "")[:20]) if request.GET.get("booth") else ""
    except FloorError:
        return ""


def map_view(request, pk: int):
    event = live_event(pk)
    floor = Floor.objects.with_plan().filter(event=event).first()
    asked = _asked_booth(request)
    plan = plan_data(floor, highlight=asked) if floor else None
    return render(request, "floor/map.html", {"event": event, "plan": plan, "asked": asked})


def map_pdf_view(request, pk: int):
    event = live_event(pk)
    floor = Floor.objects.with_plan().filter(event=event).first()
    if floor is None:
        raise Http404
    paper = request.GET.get("paper", "a4")
    paper = paper if paper in PAPER else "a4"
    response = HttpResponse(
        map_pdf(floor, paper=paper, language=get_language()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{event.slug}-map-{paper}.pdf"'
    return response
