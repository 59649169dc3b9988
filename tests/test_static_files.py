"""Static files that pages ask for exist among the collected ones: production's manifest storage
fails the whole page (500) for a name it did not collect, where development just links it."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

from bookday.altcha import ChallengeWidget


def test_every_static_file_the_anti_spam_widget_names_is_collected():
    context = ChallengeWidget().get_context("altcha", None, {})
    urls = {key: context[key] for key in ("js_altcha_url", "js_translations_url", "altcha_css", "altcha_js")}
    for key, url in urls.items():
        path = urlsplit(url).path.removeprefix(settings.STATIC_URL)
        assert finders.find(path), f"{key}: {path} is not among the static files collectstatic gathers"
