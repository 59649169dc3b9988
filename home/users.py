"""Staff accounts in the Wagtail admin, within what the editing user may grant.

Wagtail's user views with two rules added (home.groups holds them): a non-superuser never sees
the "Administrator" switch or groups above MANAGED_BY_ORGANISERS, and cannot open, change or
delete the account of a superuser or of someone with more rights.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from wagtail.users.views import users

from home.groups import MANAGED_BY_ORGANISERS, can_manage_account


def _limit(form, user):
    if not user.is_superuser:
        form.fields.pop("is_superuser", None)
        if "groups" in form.fields:
            form.fields["groups"].queryset = Group.objects.filter(name__in=MANAGED_BY_ORGANISERS)
    return form


class CreateView(users.CreateView):
    def get_form(self, form_class=None):
        return _limit(super().get_form(form_class), self.request.user)


class EditView(users.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if not can_manage_account(request.user, self.object):
            raise PermissionDenied

    def get_form(self, form_class=None):
        return _limit(super().get_form(form_class), self.request.user)


class DeleteView(users.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        if not can_manage_account(request.user, self.get_object()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UserViewSet(users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView
