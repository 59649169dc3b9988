from wagtail import hooks

from publishers.viewsets import PublishersGroup


@hooks.register("register_admin_viewset")
def register_publishers_menu():
    return PublishersGroup()
