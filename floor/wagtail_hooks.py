from wagtail import hooks

from floor.admin_views import FloorPlanViewSet


@hooks.register("register_admin_viewset")
def register_floor_plans():
    return FloorPlanViewSet()
