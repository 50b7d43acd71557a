"""Request bodies: JSON only, and only text every database and response can carry."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, refusing what it lets through to a 500 later: lone surrogates
    (``"\\ud800"`` is valid JSON but no valid Unicode: the database and the error message
    that echoes it both fail) and nesting too deep to read."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError(
                _("JSON parse error - the body contains text that is not valid Unicode.")
            ) from None
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None
        return data
