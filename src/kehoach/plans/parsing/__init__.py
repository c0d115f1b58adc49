"""Reading a Vietnamese plan text into a draft plan file (a pure package: no models, no DB).

Use :func:`parse_plan_bytes` with the bytes of a .txt or .docx plan text; it returns a
:class:`ParseResult` whose ``plan`` is a dict in the plan-file format (docs/plan-file.md) and
whose ``review`` lists, for every line, where it was placed and how sure the reader is.
docs/parsing.md says what is read and how to review a draft.

The modules, in the order a text goes through them: :mod:`.reading` (bytes -> lines; legacy
encodings in :mod:`.legacy`), :mod:`.sections` (zones and outline), :mod:`.metadata`,
:mod:`.organisation`, :mod:`.objectives` (with :mod:`.targets` and :mod:`.quantities`),
:mod:`.tasks`, :mod:`.funding`, and :mod:`.drafting`, which assembles the result.
"""

from .drafting import ParseResult, ReviewItem, draft_from_text, draft_plan
from .reading import read_bytes

__all__ = [
    "ParseResult",
    "ReviewItem",
    "draft_from_text",
    "parse_plan_bytes",
    "parse_plan_text",
    "read_bytes",
]


def parse_plan_bytes(data: bytes, filename: str = "") -> ParseResult:
    """The draft plan file and its review from the bytes of a plan text (.txt or .docx)."""
    return draft_plan(read_bytes(data, filename))


def parse_plan_text(text: str) -> ParseResult:
    """The same, for a text already decoded."""
    return draft_from_text(text)
