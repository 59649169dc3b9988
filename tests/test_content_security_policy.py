"""The Content-Security-Policy header (django-csp): strict on public pages, styles relaxed for the
Wagtail admin and the API docs, and no inline script anywhere. The browser side (no violation
while the pages are used) is in tests/browser/test_content_security_policy.py."""

import base64
import datetime as dt
import hashlib
import re

import pytest
from django.contrib.auth.models import Group, User

from events.models import Gate
from home.groups import GATE_STAFF
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db

INLINE = "'unsafe-inline'"
# <script> elements that are data, not code: the browser never runs them.
DATA_SCRIPT_TYPES = ("application/json", "application/ld+json")


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def inline_scripts(html: str) -> list[str]:
    """The inline <script> elements a browser would run (no src, not a data block)."""
    found = []
    for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        kind = re.search(r'type="([^"]+)"', attrs)
        if "src=" in attrs or (kind and kind[1] in DATA_SCRIPT_TYPES):
            continue
        found.append(attrs + body)
    return found


@pytest.fixture
def entry_pass(event):
    return register_visitor(
        event,
        visit_date=event.start_date + dt.timedelta(days=1),
        now=event.opens_on(event.start_date) - dt.timedelta(days=2),
    ).registration.entry_pass


@pytest.fixture
def gate_staff(client, event):
    Gate.objects.create(event=event, name="Cổng A")
    user = User.objects.create_user("soatve", password="x")
    user.groups.add(Group.objects.get(name=GATE_STAFF))
    client.force_login(user)
    return user


def assert_strict(response):
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert INLINE not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]


def test_public_pages_get_the_strict_policy_and_need_nothing_inline(client, event, entry_pass):
    pages = ["/", event.url, f"/events/{event.pk}/register/", f"/p/{entry_pass.code}/", "/passes/find/"]
    pages += [f"/p/{entry_pass.code}/gate/", f"/events/{event.pk}/catalogue/", "/no-such-page/"]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert_strict(response)
        html = response.content.decode()
        assert inline_scripts(html) == [], path
        # The policy would drop these: the page would look different from what was designed.
        assert not re.search(r"<style\b|\sstyle=", html), path


def test_a_page_from_the_page_cache_still_carries_the_policy(client, event, settings):
    settings.PAGE_CACHE_SECONDS = 60
    client.get(event.url)
    cached = client.get(event.url)
    assert_strict(cached)


def test_the_scanner_allows_its_import_map_by_hash_and_its_workers(client, gate_staff):
    response = client.get("/scan/")
    assert response.status_code == 200
    directives = policy(response)
    assert INLINE not in directives["script-src"] and directives["style-src"] == ["'self'"]
    assert "'self'" in directives["worker-src"]
    # The one inline script, the import map, is allowed by its own hash and by nothing broader.
    (import_map,) = inline_scripts(response.content.decode())
    body = import_map.removeprefix(' type="importmap"')
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    assert directives["script-src"] == ["'self'", f"'sha256-{digest}'"]
    assert response["Content-Security-Policy"] == client.get("/scan/")["Content-Security-Policy"]


def test_the_service_worker_and_manifest_are_served_under_the_policy(client):
    for path in ("/scan/sw.js", "/scan/manifest.webmanifest"):
        assert INLINE not in policy(client.get(path))["script-src"]


def test_the_admin_relaxes_styles_only(admin_client, event):
    for path in ("/admin/", f"/admin/pages/{event.pk}/edit/", "/admin/registrations/", "/api/v1/docs"):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        directives = policy(response)
        assert directives["style-src"] == ["'self'", INLINE], path
        assert directives["script-src"] == ["'self'"], path
        assert directives["object-src"] == ["'none'"]
        # Wagtail's set-up calls are data for home/static/bookday/admin-init.js, not inline code.
        assert inline_scripts(response.content.decode()) == [], path


def test_the_page_editor_writes_its_widget_set_up_as_data(admin_client, event):
    html = admin_client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    calls = re.findall(r"<script type=\"application/json\" data-bookday-init>(.*?)</script>", html)
    names = {re.search(r'"call": "(\w+)"', call)[1] for call in calls}
    assert {
        "initDateChooser",
        "initTimeChooser",
        "initDateTimeChooser",
        "InlinePanel",
        "ImageChooser",
    } <= names
    assert "bookday/admin-init" in html


def test_a_set_up_call_is_data_only_when_it_is_a_plain_call_with_json_arguments():
    from home.admin_csp import js_call_as_data

    block = js_call_as_data('new ImageChooser("id_image", {"modalUrl": "/admin/images/chooser/"});')
    assert block.startswith('<script type="application/json" data-bookday-init>')
    assert '"call": "ImageChooser", "new": true, "args": ["id_image", {"modalUrl"' in block
    assert "</script>" not in block.removesuffix("</script>")  # "<" is escaped inside
    assert js_call_as_data('createTaskChooser("id_task");').count('"new": false') == 1
    # Anything else is left as Wagtail wrote it (and the policy blocks it, visibly).
    assert js_call_as_data("window.x = 1; alert(2);") is None
    assert js_call_as_data("new Thing(someVariable);") is None
