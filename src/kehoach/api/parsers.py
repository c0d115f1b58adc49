"""The API's one body parser: DRF's JSON parser, answering 400 (never 500) for a body nested
too deeply to parse and for text no database column can keep (NUL, a lone surrogate from a
``\\ud800`` escape; ``lib.text.storable``), naming the field."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from kehoach.lib.problems import format_path
from kehoach.lib.text import shown_safely, storable


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:  # json's scanner recurses once per "[" or "{"
            raise ParseError(_("The JSON body is nested too deeply.")) from exc
        where = unstorable_at(data)
        if where is not None:
            raise ParseError(
                _("The field “%(field)s” holds a character the system cannot store.")
                % {"field": shown_safely(format_path(where))}
            )
        return data


def unstorable_at(data: object) -> tuple[str | int, ...] | None:
    """The path of the first key or string in ``data`` that ``storable`` refuses; None if
    none. Walks with a stack of its own (the data may be as deep as the parser allowed)."""
    stack: list[tuple[tuple[str | int, ...], object]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not storable(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                if not storable(key):
                    return (*path, key)
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in enumerate(value))
    return None
