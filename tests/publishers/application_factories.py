"""Helpers for exhibitor application tests: valid form data and a submit through the service."""

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image
from stdnum.vn import mst

_numbers = itertools.count(1)


def tax_code() -> str:
    """A fresh valid 10-digit Vietnamese tax code."""
    while True:
        code = f"01{next(_numbers):07d}"
        code += mst.calc_check_digit(code)
        if mst.is_valid(code):  # some bases have no single check digit
            return code


def application_data(**overrides) -> dict:
    """What the public form posts (strings), for a publishing house."""
    data = {
        "organisation_name": "Nhà xuất bản Kim Đồng",
        "kind": "publishing_house",
        "tax_code": tax_code(),
        "contact_name": "Đặng Thị Hương",
        "email": "huong@nxbkimdong.vn",
        "phone": "024 3943 4730",
        "address": "55 Quang Trung, Hai Bà Trưng, Hà Nội",
        "website": "https://nxbkimdong.com.vn",
        "description": "Sách thiếu nhi và truyện tranh.",
        "booth_size": "standard",
        "expected_titles": "120",
        "expected_copies": "3000",
        "consent": "on",
    }
    data.update(overrides)
    return data


def service_data(**overrides) -> dict:
    """The same, cleaned as the form hands it to the service."""
    data = application_data(**overrides)
    data["expected_titles"] = int(data["expected_titles"])
    data["expected_copies"] = int(data["expected_copies"])
    data["consent"] = bool(data["consent"])
    return data


def png(name: str = "logo.png", size=(64, 64), fmt: str = "PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (13, 92, 78)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def submit(event, confirm=True, **overrides):
    """Submit through the service with emails sent at once (on-commit callbacks run), and follow
    the emailed confirmation link as the person it went to would (``confirm=False``: leave it)."""
    from publishers.services.applications import confirm_application, submit_application
    from publishers.services.confirmation import confirmation_token

    logo = overrides.pop("logo", None)
    language = overrides.pop("language", "vi")
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = submit_application(event=event, data=service_data(**overrides), logo=logo, language=language)
    if confirm:
        with TestCase.captureOnCommitCallbacks(execute=True):
            confirm_application(token=confirmation_token(result.application))
        result.application.refresh_from_db()
    return result


def run_now(func, **kwargs):
    """Call a service and run its on-commit callbacks (emails) as a real request would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return func(**kwargs)
