"""The staff groups Bookday relies on, and what each may do.

- Organisers: everything in the admin, every page, image and document, user accounts.
- Editors: pages, images and documents only.
- Gate staff: no admin access; the scanner (a later feature) checks membership of this group.

Called from a data migration with historical models, and after every ``migrate`` so that
models added later are granted to Organisers too.
"""

ORGANISERS = "Organisers"
EDITORS = "Editors"
GATE_STAFF = "Gate staff"

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
