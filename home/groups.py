"""The staff groups Bookday relies on, and what each may do.

- Organisers: everything in the admin, every page, image and document, and the accounts of the
  staff they need (editors, gate staff); never superusers, other organisers or the groups'
  permissions, so an organiser cannot raise anyone's rights, their own included.
- Editors: pages, images and documents only.
- Gate staff: no admin access; the scanner (a later feature) checks membership of this group.

Called from a data migration with historical models, and after every ``migrate`` so that
models added later are granted to Organisers too.
"""

ORGANISERS = "Organisers"
EDITORS = "Editors"
GATE_STAFF = "Gate staff"
# The groups an organiser may give or take away: below their own rights.
MANAGED_BY_ORGANISERS = [EDITORS, GATE_STAFF]
# Permissions that would let an organiser raise rights: editing groups and raw permissions.
ESCALATING_PERMISSIONS = {
    "auth": [
        "add_group",
        "change_group",
        "delete_group",
        "add_permission",
        "change_permission",
        "delete_permission",
    ]
}

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"]
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "delete_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "delete_document", "choose_document"],
}
# Apps whose model permissions Organisers get. Framework internals stay with superusers.
ORGANISER_APPS = [
    "home",
    "events",
    "publishers",
    "privacy",
    "messaging",
    "auth",
    "wagtailadmin",
    "wagtailcore",
    "wagtailimages",
    "wagtaildocs",
    "wagtailredirects",
    "wagtailsearch",
]


def ensure_permissions(apps) -> None:
    """Create content types and permissions now: Django only does it after all migrations."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def sync_groups(apps) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    organisers, _ = Group.objects.get_or_create(name=ORGANISERS)
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    Group.objects.get_or_create(name=GATE_STAFF)

    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    organisers.permissions.add(*Permission.objects.filter(content_type__app_label__in=ORGANISER_APPS))
    for app_label, codenames in ESCALATING_PERMISSIONS.items():
        organisers.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
    editors.permissions.add(access_admin)

    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    for group, codenames in ((organisers, PAGE_PERMISSIONS), (editors, EDITOR_PAGE_PERMISSIONS)):
        if root_page:
            for perm in Permission.objects.filter(
                content_type__app_label="wagtailcore", codename__in=codenames
            ):
                GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=perm)
        if root_collection:
            for app_label, collection_codenames in COLLECTION_PERMISSIONS.items():
                perms = Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=collection_codenames
                )
                for perm in perms:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root_collection, permission=perm
                    )


def can_manage_account(actor, target) -> bool:
    """Whether ``actor`` may edit or delete ``target``'s account in the admin: superusers any;
    others only accounts that are not superusers, not their own (that is the account page),
    and in no group but those MANAGED_BY_ORGANISERS."""
    if actor.is_superuser:
        return True
    if target.is_superuser or target.pk == actor.pk:
        return False
    return not target.groups.exclude(name__in=MANAGED_BY_ORGANISERS).exists()
