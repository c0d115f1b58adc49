"""Talking to a DHIS2 instance over its Web API: push the metadata and values, pull values.

``kehoach push_dhis2 --url URL --token TOKEN --year Y [--plan CODE] [--mapping M]``: POSTs
the metadata package (``/api/metadata``) and then the year's reported values
(``/api/dataValueSets``), both from :mod:`.dhis2_export`, reads DHIS2's answers (an
``ImportReport`` / ``ImportSummary``, bare or wrapped in ``{"response": …}`` as DHIS2 2.38 and
later wrap them) and shows their conflicts. Safe to repeat: DHIS2 counts values it already
has as ignored, and metadata is created or updated by its identifiers.

``kehoach pull_dhis2 --url URL --token TOKEN --year Y --data-set ID --org-unit ID [--plan
CODE] [--mapping M]``: GETs the data value set of the year (``children=true``) and imports it
with :func:`.dhis2_import.import_data_value_set`, all or nothing.

Authentication is a DHIS2 personal access token (``Authorization: ApiToken …``). Only the
standard library's ``urllib``: one HTTP call at a time needs no client library.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kehoach.plans.models import Plan

from .dhis2 import Mapping
from .dhis2_export import export_metadata, export_values
from .dhis2_import import Summary, import_data_value_set

TIMEOUT = 60  # seconds for one request


class DHIS2Error(Exception):
    """DHIS2 could not be reached, or answered something that is not an import summary."""


@dataclass
class Answer:
    """What DHIS2 said to one request: its status, counts and conflicts."""

    what: str
    status: str
    counts: dict[str, int] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("OK", "SUCCESS", "WARNING") and not self.conflicts


class Client:
    def __init__(self, url: str, token: str) -> None:
        if not url.startswith(("http://", "https://")):
            raise DHIS2Error(_("%(url)r is not an http(s) address") % {"url": url})
        self.base = url.rstrip("/")
        self.token = token

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"ApiToken {self.token}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:  # DHIS2 answers 409 with the summary in the body
            text = exc.read().decode("utf-8", errors="replace")
            if exc.code in (401, 403):
                raise DHIS2Error(
                    _("DHIS2 refused the token (HTTP %(code)d)") % {"code": exc.code}
                ) from exc
            if not text.lstrip().startswith("{"):
                raise DHIS2Error(f"HTTP {exc.code}: {text[:200]}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DHIS2Error(
                _("cannot reach %(url)s: %(why)s") % {"url": self.base, "why": exc}
            ) from exc
        try:
            answer = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DHIS2Error(_("DHIS2 answered something that is not JSON: %(text)s")
                             % {"text": text[:200]}) from exc  # fmt: skip
        if not isinstance(answer, dict):
            raise DHIS2Error(_("DHIS2 answered something that is not JSON: %(text)s")
                             % {"text": text[:200]})  # fmt: skip
        return answer

    def post_metadata(self, package: dict) -> Answer:
        return _answer("metadata", self._call("POST", "/api/metadata", package))

    def post_values(self, data: dict) -> Answer:
        return _answer("dataValueSets", self._call("POST", "/api/dataValueSets", data))

    def get_values(self, data_set: str, year: int, org_unit: str) -> dict:
        query = urllib.parse.urlencode({"dataSet": data_set, "period": str(year),
                                        "orgUnit": org_unit, "children": "true"})  # fmt: skip
        return self._call("GET", f"/api/dataValueSets?{query}")


def _answer(what: str, raw: dict) -> Answer:
    """DHIS2's import answer, bare or wrapped in ``response`` (2.38 and later)."""
    inner = raw.get("response")
    summary: dict = inner if isinstance(inner, dict) else raw
    status = str(summary.get("status") or raw.get("status") or "")
    counts = summary.get("importCount") or summary.get("stats") or {}
    conflicts = list(summary.get("conflicts") or [])
    for report in summary.get("typeReports") or []:  # metadata: errors per object type
        for obj in report.get("objectReports") or []:
            for error in obj.get("errorReports") or []:
                conflicts.append({
                    "object": report.get("klass", ""),
                    "errorCode": error.get("errorCode", ""),
                    "value": error.get("message", ""),
                })  # fmt: skip
    if not status:
        raise DHIS2Error(_("DHIS2's answer has no status: %(text)s")
                         % {"text": json.dumps(raw)[:200]})  # fmt: skip
    return Answer(what, status, {k: int(v) for k, v in counts.items() if isinstance(v, int)},
                  conflicts)  # fmt: skip


def push(client: Client, plan: Plan, year: int, mapping: Mapping | None = None) -> list[Answer]:
    """The metadata, then the values; stops after the metadata if DHIS2 refused it."""
    mapping = mapping or Mapping()
    data, _left = export_values(plan, year, mapping)
    answers = [client.post_metadata(export_metadata(plan, mapping))]
    if answers[0].ok:
        answers.append(client.post_values(data))
    return answers


def pull(
    client: Client, plan: Plan, year: int, data_set: str, org_unit: str,
    mapping: Mapping | None = None, *, dry_run: bool = False,
) -> Summary:  # fmt: skip
    """DHIS2's values of the year for the data set under an org unit, imported whole."""
    data = client.get_values(data_set, year, org_unit)
    return import_data_value_set(json.dumps(data).encode(), "dhis2.json", plan,
                                 mapping or Mapping(), dry_run=dry_run)  # fmt: skip
