"""Response formats: JSON everywhere, CSV on the lists and records of items.

A format is chosen by ``?format=``, by a suffix (``/api/v1/recommendations.csv``) or by the
``Accept`` header. An unknown ``format`` is a 400 that lists the accepted ones; an
``Accept`` header that matches nothing (or cannot be read) gets JSON, the default, rather
than a 406: a client with an odd header still gets an answer it can inspect.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

from gcm_review.api.parameters import FORMAT_PARAMETER


class CSVRenderer(BaseRenderer):
    """Marks CSV as negotiable. The item views stream the CSV themselves with the export
    columns of ``recommendations.exports``; error bodies are always JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        raise RuntimeError("CSV bodies are streamed by the view, never rendered from data.")


class HTMLSafeJSONRenderer(JSONRenderer):
    """DRF's JSON with ``<``, ``>`` and ``&`` written ``\\u003c``, ``\\u003e``, ``\\u0026``.

    Every parser reads the same JSON, but what the API echoes (an unknown parameter's
    name, a refused value, a content type) never reaches a browser as markup, whatever
    it makes of the body. The three characters only occur inside JSON strings, where the
    escapes mean the same.
    """

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        body = super().render(data, accepted_media_type, renderer_context)
        return body.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


class ApiContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        requested = format_suffix or request.query_params.get(FORMAT_PARAMETER)
        if requested:
            for renderer in renderers:
                if renderer.format == requested:
                    return renderer, renderer.media_type
            accepted = ", ".join(renderer.format for renderer in renderers)
            raise ValidationError(
                {
                    FORMAT_PARAMETER: [
                        _("Unknown format. Accepted: %(formats)s.") % {"formats": accepted}
                    ]
                }
            )
        try:
            return super().select_renderer(request, renderers)
        except Exception:
            # NotAcceptable, or an Accept header DRF cannot parse: answer in the default.
            return renderers[0], renderers[0].media_type


def is_csv(request: Request) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return isinstance(renderer, CSVRenderer)
