"""The one error type of the services: a refusal with a stable machine code.

Each service declares a subclass with its own codes (``messages``), the form field each code
concerns (``fields``) and, for the codes the JSON API answers as themselves, their HTTP status
(``statuses``). Views show ``message`` next to ``field``; the API turns any ServiceError into
its answer in one place (bookday.api_errors), so no endpoint converts one by hand.
"""

from typing import ClassVar


class ServiceError(Exception):
    """A refusal: ``code`` (stable, for machines and tests), ``params`` (filled into the
    message), ``field`` (the form field it concerns, or None) and a translated ``message``."""

    messages: ClassVar[dict] = {}  # code -> lazily translated text, with %(param)s placeholders
    fields: ClassVar[dict[str, str]] = {}  # code -> the form field it concerns by default
    # How the API answers a code: with this HTTP status and the code itself (or the one in
    # ``api_codes``). A code not listed is about the request's content: 422 ``invalid``, with
    # the message under its field.
    statuses: ClassVar[dict[str, int]] = {}
    api_codes: ClassVar[dict[str, str]] = {}

    def __init__(self, code: str, *, field: str | None = None, message: str | None = None, **params):
        self.code = code
        self.params = params
        self.field = field or self.fields.get(code)
        self._message = message  # a particular message (e.g. a validator's) instead of the code's
        super().__init__(code)

    @property
    def message(self) -> str:
        """In the active language."""
        if self._message:
            return str(self._message)
        text = str(self.messages[self.code])
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.message

    def add_to(self, form) -> None:
        """Show the refusal on ``form``: next to the field it concerns, or above the form when
        the form has no such field."""
        form.add_error(self.field if self.field in form.fields else None, self.message)
