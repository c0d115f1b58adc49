# ruff: noqa: E501  (DHIS2's answers written out as literals)
"""A stand-in DHIS2 for the client's tests: the few Web API calls kehoach makes, answered as
DHIS2's code answers them (dhis-api ``feedback/ErrorCode.java``; the data entry service's
checks: data set detection E8003, untimely org unit E8031, invalid value E8122 ...), and
wrapped as DHIS2 2.38 and later wrap them (``{"httpStatus", "status", "response"}``, HTTP
409 when there is a conflict). It keeps what it is sent in memory."""

from __future__ import annotations

import datetime
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kehoach.exchange.dhis2_numbers import check_value
from kehoach.exchange.dhis2_periods import parse_period

DEFAULT_COMBO = "HllvX50cXC0"


class StandIn:
    def __init__(self, token: str) -> None:
        self.token = token
        self.elements: dict[str, dict] = {}  # code -> data element
        self.units: dict[str, dict] = {}  # code -> org unit
        self.data_sets: dict[str, dict] = {}  # code -> data set
        self.values: dict[tuple[str, str, str], str] = {}  # (element, period, unit) -> value
        self.requests: list[tuple[str, str]] = []

    # ---- metadata
    def metadata(self, package: dict) -> tuple[int, dict]:
        created = updated = 0
        errors = []
        for key, store in (("dataElements", self.elements), ("organisationUnits", self.units),
                           ("dataSets", self.data_sets)):  # fmt: skip
            for obj in package.get(key, []):
                if key == "dataElements" and not obj.get("valueType"):
                    errors.append({"klass": "DataElement", "objectReports": [{"errorReports": [
                        {"errorCode": "E4000", "message": "Missing required property `valueType`"}
                    ]}]})  # fmt: skip
                    continue
                if obj["code"] in store:
                    updated += 1
                else:
                    created += 1
                store[obj["code"]] = obj
        status = "ERROR" if errors else "OK"
        return 200 if not errors else 409, {
            "httpStatus": "OK" if not errors else "Conflict", "status": status,
            "response": {"responseType": "ImportReport", "status": status, "typeReports": errors,
                         "stats": {"created": created, "updated": updated, "deleted": 0,
                                   "ignored": 0, "total": created + updated}},
        }  # fmt: skip

    # ---- data values
    def _data_set_of(self, element: str) -> dict | None:
        return next((ds for ds in self.data_sets.values() if any(
            m["dataElement"].get("code") == element for m in ds["dataSetElements"])), None)  # fmt: skip

    def post_values(self, data: dict) -> tuple[int, dict]:
        imported = updated = ignored = 0
        conflicts = []
        for index, v in enumerate(data.get("dataValues", [])):
            de, pe, ou, value = (
                v.get("dataElement"),
                v.get("period"),
                v.get("orgUnit"),
                v.get("value"),
            )

            def conflict(code: str, message: str, prop: str, index: int = index) -> None:
                conflicts.append({"object": f"#{index}", "objects": {}, "value": message,
                                  "errorCode": code, "property": prop, "indexes": [index]})  # fmt: skip

            element, unit = self.elements.get(de), self.units.get(ou)
            if element is None:
                conflict("E8103", f"Value #{index} data element not found: `{de}`", "dataElement")
                continue
            data_set = self._data_set_of(de)
            if data_set is None:
                conflict(
                    "E8003",
                    f"Data set detection failed, found no set for data element(s): `{de}`",
                    "dataElement",
                )
                continue
            if unit is None:
                conflict("E8107", f"Value #{index} org unit not found: `{ou}`", "orgUnit")
                continue
            try:
                period = parse_period(pe)
            except ValueError:
                conflict("E7611", f"Period not valid: `{pe}`", "period")
                continue
            if period.kind != data_set["periodType"]:
                conflict(
                    "E8021",
                    f"Data set {data_set['code']} not usable with period(s): `{pe}`",
                    "period",
                )
                continue
            opening = datetime.date.fromisoformat(unit.get("openingDate", "1900-01-01"))
            closed = unit.get("closedDate")
            if period.start < opening or (
                closed and period.end > datetime.date.fromisoformat(closed)
            ):
                conflict(
                    "E8031",
                    f"Untimely data entry for org unit {ou} and period(s): `{pe}`",
                    "period",
                )
                continue
            reason = check_value(str(value), element["valueType"])
            if reason:
                conflict(
                    "E8122",
                    f"Value #{index} value `{value}` is no valid {element['valueType']}: {reason}",
                    "value",
                )
                continue
            if str(value) == "0" and not element.get("zeroIsSignificant"):
                ignored += 1  # DHIS2 drops a zero that is not significant
                continue
            key = (de, pe, ou)
            if self.values.get(key) == str(value):
                ignored += 1
            elif key in self.values:
                updated += 1
            else:
                imported += 1
            self.values[key] = str(value)
        status = "WARNING" if conflicts else "SUCCESS"
        return 409 if conflicts else 200, {
            "httpStatus": "Conflict" if conflicts else "OK", "status": "WARNING" if conflicts else "OK",
            "response": {"responseType": "ImportSummary", "status": status, "conflicts": conflicts,
                         "importCount": {"imported": imported, "updated": updated,
                                         "ignored": ignored, "deleted": 0}},
        }  # fmt: skip

    def subtree(self, root: str) -> set[str]:
        """``root`` and every org unit below it (``children=true``)."""
        under, grew = {root}, True
        while grew:
            more = {c for c, u in self.units.items() if u.get("parent", {}).get("code") in under}
            grew = bool(more - under)
            under |= more
        return under

    def get_values(self, query: dict) -> dict:
        data_set = self.data_sets.get(query["dataSet"][0])
        year, root = query["period"][0], query["orgUnit"][0]
        members = (
            {m["dataElement"]["code"] for m in data_set["dataSetElements"]} if data_set else set()
        )
        under = self.subtree(root)
        return {"dataSet": query["dataSet"][0], "dataValues": [
            {"dataElement": de, "period": pe, "orgUnit": ou, "value": value,
             "categoryOptionCombo": DEFAULT_COMBO, "attributeOptionCombo": DEFAULT_COMBO,
             "storedBy": "admin", "comment": None, "followup": False}
            for (de, pe, ou), value in sorted(self.values.items())
            if de in members and ou in under and parse_period(pe).start.year == int(year)
        ]}  # fmt: skip


def serve(standin: StandIn) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(self, code: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") != f"ApiToken {standin.token}":
                self._send(401, {"httpStatus": "Unauthorized", "status": "ERROR"})
                return False
            return True

        def do_POST(self) -> None:
            standin.requests.append(("POST", self.path))
            if not self._authorised():
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path == "/api/metadata":
                self._send(*standin.metadata(body))
            elif self.path == "/api/dataValueSets":
                self._send(*standin.post_values(body))
            else:
                self._send(404, {"httpStatus": "Not Found", "status": "ERROR"})

        def do_GET(self) -> None:
            standin.requests.append(("GET", self.path))
            if not self._authorised():
                return
            url = urllib.parse.urlparse(self.path)
            if url.path == "/api/dataValueSets":
                self._send(200, standin.get_values(urllib.parse.parse_qs(url.query)))
            else:
                self._send(404, {"httpStatus": "Not Found", "status": "ERROR"})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"
