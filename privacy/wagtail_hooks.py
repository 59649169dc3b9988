from wagtail import hooks

from privacy.viewsets import DataRequestViewSet


@hooks.register("register_admin_viewset")
def register_data_requests():
    return DataRequestViewSet("data_requests")
