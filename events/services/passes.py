"""Pass artefacts as bytes: the QR code (SVG) and the printable PDF, cached in media storage."""

import atexit
import base64
import hashlib
import io
import threading
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import qrcode
import qrcode.image.svg
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image

from events.enums import RegistrationStatus
from events.models import Pass, Registration, SessionBooking


def _qr(data: str, **options) -> qrcode.QRCode:
    # A fixed mask: choosing the "best" of eight costs eight encodings per pass, and any mask
    # reads equally well on a phone screen or on paper at this size.
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, mask_pattern=0, **options
    )
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data: str) -> str:
    """An inline <svg> QR code of ``data`` that scales to its container (no fixed size)."""
    svg = _qr(data, image_factory=qrcode.image.svg.SvgPathImage).make_image().to_string(encoding="unicode")
    # Drop the fixed millimetre size so CSS decides (the viewBox keeps the proportions), and ask
    # for crisp edges: anti-aliased seams between modules confuse cheap phone scanners.
    svg = svg.replace('width="', 'data-width="', 1).replace('height="', 'data-height="', 1)
    return svg.replace("<svg ", '<svg shape-rendering="crispEdges" ', 1)


_DARK_TO_BLACK = bytes.maketrans(b"\x00\x01", b"\xff\x00")  # module matrix (True = dark) to grey


def qr_png_data_uri(data: str) -> str:
    """The QR code as a tiny PNG (one pixel per module) for the PDF, scaled up without smoothing.

    WeasyPrint lays out an SVG QR code as hundreds of paths; this image is exact when scaled with
    `image-rendering: pixelated` and makes the pass several times cheaper to render. It is made
    straight from the module matrix: qrcode's own image drawing costs more than the encoding.
    """
    matrix = _qr(data).get_matrix()  # includes the quiet zone
    size = len(matrix)
    pixels = b"".join(bytes(row) for row in matrix).translate(_DARK_TO_BLACK)
    buffer = io.BytesIO()
    # 8-bit grey, not 1-bit: WeasyPrint embeds a grey PNG as it is, a 1-bit one it converts first.
    Image.frombytes("L", (size, size), pixels).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def pass_code_groups(code: str) -> str:
    """ "ABCDEFGH..." -> "ABCD EFGH ..." so a person can read it aloud at the gate."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


# WeasyPrint's text stack (Pango, fontconfig) is not thread-safe: two renders at once in one
# process can crash it. Threaded servers and in-process tasks therefore render one at a time;
# gunicorn's worker processes and task workers still render in parallel.
_render_lock = threading.Lock()


@cache
def _weasyprint():
    """WeasyPrint's font configuration, URL fetcher and the project's fonts folder (made once)."""
    from weasyprint import URLFetcher
    from weasyprint.text.fonts import FontConfiguration

    class ProjectFilesOnly(URLFetcher):
        """Fetches data: URLs and the project's own fonts, nothing else: a text that one day
        reaches a PDF unescaped cannot read the server's files or make it send requests."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme == "file" and Path(unquote(parts.path)).resolve().is_relative_to(fonts):
                return super().fetch(url, headers)
            raise ValueError(f"Not fetched for a PDF: {url[:100]}")

    fonts = Path(finders.find("fonts/NotoSans-Regular.ttf")).parent.resolve()
    # One fetcher for every render: WeasyPrint builds a new one, with its ten urllib handlers,
    # for each document otherwise. Rendering is serialised (_render_lock), so sharing is safe.
    return FontConfiguration(), ProjectFilesOnly(allowed_protocols={"data", "file"}), fonts


@cache
def _stylesheet(template_name: str):
    """A stylesheet template parsed once per process (its @font-face rules load the fonts once).

    Parsing CSS is a tenth of a small page's rendering time in WeasyPrint; every pass shares it.
    """
    from weasyprint import CSS

    font_config, fetcher, fonts_dir = _weasyprint()
    return CSS(
        string=render_to_string(template_name),
        base_url=str(fonts_dir) + "/",
        url_fetcher=fetcher,
        font_config=font_config,
    )


@atexit.register
def _release_weasyprint():
    # Drop the font configuration while the interpreter still runs: it removes its folder of
    # font copies when deleted, which fails (noisily) once modules are torn down at exit.
    _stylesheet.cache_clear()
    _weasyprint.cache_clear()


def render_pdf(html: str, stylesheet: str | None = None) -> bytes:
    """Render HTML whose fonts are the project's, named by file name in @font-face rules.

    ``stylesheet`` names a CSS template applied on top of any <style> in the HTML.
    """
    from weasyprint import HTML

    with _render_lock:
        font_config, fetcher, fonts_dir = _weasyprint()
        sheets = [_stylesheet(stylesheet)] if stylesheet else []
        document = HTML(string=html, base_url=str(fonts_dir) + "/", url_fetcher=fetcher)
        return document.write_pdf(font_config=font_config, stylesheets=sheets)


def _pdf_context(entry_pass: Pass) -> dict:
    registration = entry_pass.registration
    event = registration.event
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    return {
        "entry_pass": entry_pass,
        "registration": registration,
        "event": event,
        # Until it is confirmed, nothing on the page may look like a pass (a QR above all).
        "qr": qr_png_data_uri(entry_pass.url) if confirmed else "",
        "code_groups": pass_code_groups(entry_pass.code),
        "queue_position": Registration.objects.queue_position(registration),
        # At most three lines: the pass stays one page; the pass page lists them all.
        "bookings": list(SessionBooking.objects.of_pass(entry_pass)[:3]) if confirmed else [],
    }


def _fingerprint(entry_pass: Pass) -> str:
    """Everything the PDF shows; when any of it changes the cached file is rendered again."""
    r = entry_pass.registration
    e = r.event
    parts = [
        entry_pass.code,
        entry_pass.url,
        r.full_name,
        str(r.party_size),
        r.organisation,
        r.status,
        r.language,
        str(r.day.date),
        e.title,
        e.venue_name,
        e.venue_address,
        str(e.opening_time),
        str(e.closing_time),
        str(Registration.objects.queue_position(r)),
        e.walk_in_policy,
        *(
            f"{b.label}|{b.status}|{b.people}|{b.time_range}|{b.session.place}"
            for b in SessionBooking.objects.of_pass(entry_pass)[:3]
        ),
        "v4",  # the layout: a new version renders every cached PDF again
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


PASS_STYLESHEET = "events/pass_pdf.css"


def render_pass_pdf(entry_pass: Pass) -> bytes:
    with translation.override(entry_pass.registration.language):
        html = render_to_string("events/pass_pdf.html", _pdf_context(entry_pass))
    return render_pdf(html, PASS_STYLESHEET)


def pass_pdf(entry_pass: Pass) -> bytes:
    """The pass PDF, rendered once and kept in media storage until what it shows changes."""
    fingerprint = _fingerprint(entry_pass)
    if entry_pass.pdf and entry_pass.pdf_fingerprint == fingerprint:
        try:
            with entry_pass.pdf.open("rb") as handle:
                return handle.read()
        except FileNotFoundError:
            pass  # the file went missing: render it again
    data = render_pass_pdf(entry_pass)
    old_name = entry_pass.pdf.name if entry_pass.pdf else None
    entry_pass.pdf.save(f"{entry_pass.code}.pdf", ContentFile(data), save=False)
    if old_name and old_name != entry_pass.pdf.name:
        entry_pass.pdf.storage.delete(old_name)
    entry_pass.pdf_fingerprint = fingerprint
    Pass.objects.filter(pk=entry_pass.pk).update(pdf=entry_pass.pdf.name, pdf_fingerprint=fingerprint)
    return data
