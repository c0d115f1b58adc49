"""Problems found in a file a user gave us, each naming where it is and what is wrong.

Every importer (plan files, interchange files, Excel forms) collects all problems first and
changes nothing when there is any, then raises :class:`InvalidFile` listing them.
"""

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator


def format_path(path: Sequence[str | int]) -> str:
    """("indicators", 0, "targets", 1, "op") -> "indicators[0].targets[1].op"."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or _("(top level)")


@dataclass(frozen=True)
class Problem:
    path: tuple[str | int, ...]
    message: str

    def __str__(self) -> str:
        return f"{format_path(self.path)}: {self.message}"


class InvalidFile(Exception):
    """A file that cannot be used; nothing from it was saved."""

    def __init__(self, filename: str, problems: Iterable[Problem]):
        self.filename = filename
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        head = _("%(file)s: %(count)d problem(s), nothing was saved.") % {
            "file": self.filename,
            "count": len(self.problems),
        }
        return "\n".join([head, *(f"{self.filename}: {p}" for p in self.problems)])


def schema_problems(validator: "Validator", data: object) -> list[Problem]:
    """Validate ``data`` with a jsonschema validator; messages in the user's language."""
    problems: list[Problem] = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        problem = Problem(tuple(error.absolute_path), _schema_message(error))
        if problem not in problems:  # "required" reports each missing field separately
            problems.append(problem)
    return problems


def _schema_message(error: "ValidationError") -> str:
    kind, arg, instance = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [name for name in arg if isinstance(instance, dict) and name not in instance]
        return _("missing field: %(fields)s") % {"fields": ", ".join(missing)}
    if kind == "additionalProperties":
        extra = sorted(set(instance) - set(error.schema.get("properties", {})))
        return _("unknown field: %(fields)s") % {"fields": ", ".join(extra)}
    if kind == "type":
        names = {
            "string": pgettext("json type", "text"),
            "number": pgettext("json type", "a number"),
            "integer": pgettext("json type", "a whole number"),
            "array": pgettext("json type", "a list"),
            "object": pgettext("json type", "an object"),
            "null": pgettext("json type", "empty (null)"),
            "boolean": pgettext("json type", "true or false"),
        }
        wanted: list[str] = arg if isinstance(arg, list) else [arg]
        return _("%(value)r is not %(type)s") % {
            "value": instance,
            "type": _(" or ").join(names.get(t, t) for t in wanted),
        }
    if kind in ("enum", "const"):
        allowed = arg if kind == "enum" else [arg]
        return _("%(value)r is not allowed; use one of: %(allowed)s") % {
            "value": instance,
            "allowed": ", ".join(str(a) for a in allowed),
        }
    if kind == "pattern":
        return _("%(value)r is not in the expected form") % {"value": instance}
    if kind == "minLength":
        return _("must not be empty")
    if kind == "maxLength":
        return _("too long (at most %(n)d characters)") % {"n": arg}
    if kind == "minimum":
        return _("%(value)r is below the minimum %(min)s") % {"value": instance, "min": arg}
    if kind == "maximum":
        return _("%(value)r is above the maximum %(max)s") % {"value": instance, "max": arg}
    if kind in ("anyOf", "oneOf"):
        return _("%(value)r is not a valid value here") % {"value": instance}
    return error.message


def read_text(path: str | os.PathLike[str]) -> str:
    """A user's file as UTF-8 text (a BOM allowed); InvalidFile naming the file otherwise."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidFile(
            name, [Problem((), _("cannot read the file: %s") % exc.strerror)]
        ) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = Problem((), _("the file is not UTF-8 text (byte %d)") % exc.start)
        raise InvalidFile(name, [problem]) from exc


class RefusedInput(BadRequest):
    """A request we answer with 400 and ``message`` (for the user, in their language): text the
    database cannot hold, a search too long to run. Raised anywhere; the 400 handler
    (``kehoach.web.errors``) shows it as JSON under /api/, as the 400 page elsewhere."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)
