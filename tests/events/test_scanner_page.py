"""The scanner page /scan/: who may open it, what it carries, its manifest and service worker."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.utils import translation
from django.utils.translation import gettext

from events.models import Gate
from events.models.registration import PASS_ALPHABET, PASS_CODE_LENGTH
from home.groups import EDITORS, GATE_STAFF, ORGANISERS
from tests.factories import EventPageFactory

pytestmark = pytest.mark.django_db


def user_in(group_name: str, username: str = "someone") -> User:
    user = User.objects.create_user(username, password="x")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def gates(event):
    return [
        Gate.objects.create(event=event, name=name, sort_order=n)
        for n, name in enumerate(["Cổng A", "Cổng B"])
    ]


def script_json(response, element_id: str) -> dict:
    html = response.content.decode()
    opening = f'<script id="{element_id}" type="application/json">'
    start = html.index(opening) + len(opening)
    return json.loads(html[start : html.index("</script>", start)])


def config(response) -> dict:
    return script_json(response, "scanner-config")


def test_anonymous_visitors_are_sent_to_the_scanners_own_login_and_back(client, home, gates):
    response = client.get("/scan/")
    assert response.status_code == 302
    assert response["Location"] == "/scan/login/?next=/scan/"
    assert client.get("/en/scan/")["Location"] == "/en/scan/login/?next=/en/scan/"

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "events/scan/login.html" in [t.name for t in page.templates]
    assert "base.html" in [t.name for t in page.templates]  # the site's design, not the admin's
    html = page.content.decode()
    with translation.override("vi"):
        assert gettext("Sign in to check passes") in html
        assert gettext("Remember me on this phone") in html
    assert 'name="remember"' in html and "checked" in html.split('name="remember"')[1].split(">")[0]

    user_in(GATE_STAFF, "soatve")
    answer = client.post(
        "/scan/login/", {"username": "soatve", "password": "x", "remember": "on", "next": "/scan/"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/scan/"
    assert client.session.get_expire_at_browser_close() is False
    assert client.session.get_expiry_age() >= 7 * 24 * 3600  # remembered on the phone for days
    assert client.get("/scan/").status_code == 200


def test_unticking_remember_me_ends_the_session_with_the_browser(client, home):
    user_in(GATE_STAFF, "soatve")
    answer = client.post("/en/scan/login/", {"username": "soatve", "password": "x", "next": "/en/scan/"})
    assert answer["Location"] == "/en/scan/"
    assert client.session.get_expire_at_browser_close() is True


def test_a_wrong_password_is_said_on_the_page(client, home):
    user_in(GATE_STAFF, "soatve")
    page = client.post("/scan/login/", {"username": "soatve", "password": "sai", "remember": "on"})
    assert page.status_code == 200
    assert page.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_signing_out_returns_to_the_scanners_login(client, home, gates):
    client.force_login(user_in(GATE_STAFF))
    html = client.get("/scan/").content.decode()
    assert 'action="/scan/logout/"' in html
    response = client.post("/scan/logout/")
    assert response["Location"] == "/scan/login/"
    assert client.get("/scan/").status_code == 302


def test_an_editor_gets_a_clear_refusal(client, home, gates):
    client.force_login(user_in(EDITORS, "bientap"))
    response = client.get("/scan/")
    assert response.status_code == 403
    assert "events/scan/forbidden.html" in [t.name for t in response.templates]
    with translation.override("vi"):
        assert gettext("The scanner is for gate staff") in response.content.decode()
    assert "scanner-config" not in response.content.decode()


@pytest.mark.parametrize("group_name", [GATE_STAFF, ORGANISERS])
def test_gate_staff_and_organisers_get_the_scanner_with_the_gates(client, event, gates, group_name):
    past = EventPageFactory(
        parent=event.get_parent(),
        title="Ngày Sách năm ngoái",
        start_date=event.start_date.replace(year=event.start_date.year - 1),
        end_date=event.end_date.replace(year=event.end_date.year - 1),
    )
    Gate.objects.create(event=past, name="Cổng cũ")
    EventPageFactory(parent=event.get_parent(), title="Không có cổng")  # no gates: not offered
    client.force_login(user_in(group_name))

    response = client.get("/scan/")

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    data = config(response)
    assert [e["id"] for e in data["events"]] == [event.pk]
    assert data["default_event"] == event.pk
    assert data["events"][0]["gates"] == [{"id": g.pk, "name": g.name} for g in gates]
    assert data["language"] == "vi"
    assert data["service_worker"] == "/scan/sw.js" and data["scope"] == "/scan/"
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert '<link rel="manifest" href="/scan/manifest.webmanifest">' in html
    assert '"/static/events/scanner/decide.js": "/static/events/scanner/decide.js"' in html  # import map
    # The pass code's rules come from the model, not from a copy in the JavaScript.
    assert (data["alphabet"], data["code_length"]) == (PASS_ALPHABET, PASS_CODE_LENGTH)
    assert data["login_url"] == "/scan/login/?next=/scan/" and data["logout_url"] == "/scan/logout/"
    assert data["test_hooks"] is False
    # Offline decisions give the same reasons as the server, in the page's language.
    strings = script_json(response, "scanner-strings")
    with translation.override("vi"):
        expected = gettext("This pass has already been used today for the whole group.")
    assert strings["result_messages"]["already_admitted"] == expected


def test_test_hooks_only_when_a_setting_asks(client, event, gates, settings):
    client.force_login(user_in(GATE_STAFF))
    settings.SCANNER_TEST_HOOKS = True
    assert config(client.get("/scan/"))["test_hooks"] is True
    settings.SCANNER_TEST_HOOKS = False
    settings.DEBUG = True
    assert config(client.get("/scan/"))["test_hooks"] is True


def test_every_module_is_in_the_import_map_and_the_shell(client, event, gates):
    """A module left out of the import map or the service worker breaks the scanner offline."""
    from pathlib import Path

    from events.scanner_views import MODULES, SHELL

    folder = Path(__file__).resolve().parents[2] / "events/static/events/scanner"
    on_disk = {path.name for path in folder.glob("*.js") if path.name != "decode-worker.js"}
    assert set(MODULES) == on_disk
    assert {f"events/scanner/{name}" for name in MODULES} <= set(SHELL)


def test_the_english_scanner_sends_english(client, event, gates):
    client.force_login(user_in(GATE_STAFF))
    response = client.get("/en/scan/")
    assert response.status_code == 200
    assert config(response)["language"] == "en" and config(response)["scope"] == "/en/scan/"
    assert script_json(response, "scanner-strings")["refuse"] == "Do not admit"


def test_the_manifest_makes_an_installable_app(client, home):
    response = client.get("/scan/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    with translation.override("vi"):
        assert manifest["name"] == gettext("Book Day pass check")
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/scan/",
        "/scan/",
        "standalone",
    )
    assert manifest["theme_color"] == "#0d5c4e"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


def test_the_service_worker_is_served_for_the_scanner_scope(client, home):
    response = client.get("/scan/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/scan/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    start = body.index("const CONFIG = ") + len("const CONFIG = ")
    sw_config = json.loads(body[start : body.index(";\n", start)])
    assert sw_config["page"] == "/scan/"
    assert "/static/events/scanner/app.js" in sw_config["shell"]
    assert "/static/events/scanner/vendor/jsQR.js" in sw_config["shell"]
    assert client.get("/en/scan/sw.js")["Service-Worker-Allowed"] == "/en/scan/"


def test_every_file_of_the_shell_exists(client, home):
    """The service worker's install fails if one file is missing: keep the list honest."""
    from django.contrib.staticfiles import finders

    from events.scanner_views import SHELL

    assert [name for name in SHELL if not finders.find(name)] == []
