"""Where uploaded stock spreadsheets are kept: outside MEDIA_ROOT, so no URL ever serves them."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    # A callable, so migrations do not freeze the path and tests may change the setting.
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
