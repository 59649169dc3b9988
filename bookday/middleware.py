from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Pages take their language from the URL (Vietnamese at /, English at /en/).

    The JSON API has no language prefix, so its messages follow the client's
    Accept-Language header instead, falling back to Vietnamese.
    """

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)
