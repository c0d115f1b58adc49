"""Who issues a report on a day, and to whom it goes: read from the organisation as it stood
that day (``OrgUnit.name_on``, ``OrgUnit.parent_on``), never from names typed into the plan.

``issuer_on(unit, day, plan)`` gives the particulars Decree 30/2020/NĐ-CP prints around the
issuing body (``Issuer``): the line above its name, its name, the number symbol, the place
before the date, the signing authority and title, and the signer's name. The rule, on unit
kinds:

- a People's Committee (kinds province, city, district, town, commune, ward, township):
  symbol "BC-UBND"; signs "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"; place: its own place name
  ("UBND huyện Sông Mây" → "Sông Mây"). No line above its name: a committee's documents
  print none (the district report always printed none). The one exception is the plan's own
  issuer whose plan text names a superior body (``plan.issuer_superior``): its header keeps
  that line, naming the committee's parent on the day (the plan's text only when the
  organisation records no parent);
- a department (kind "department": Sở, Phòng, Văn phòng, Chi cục, Ban, Trung tâm …):
  line above its name: its parent on the day, in capitals ("UBND THÀNH PHỐ HUẾ"); symbol
  "BC-" and an abbreviation of its name (``abbreviation``); signs "KT. GIÁM ĐỐC" /
  "PHÓ GIÁM ĐỐC" for a Sở, "KT. TRƯỞNG PHÒNG" / "PHÓ TRƯỞNG PHÒNG" for a Phòng (``HEADS``);
  place: the place name of the committee whose territory it serves (its nearest committee
  up the parents on the day: "Huế");
- any other body (kind "organisation"): like a department, without the line above its name
  (a mass organisation is not under the committee's management).

The signer's name is printed only when the body issuing is the plan's original issuer (the
first holder of the plan, whose signer the plan names), with the plan's authority and title;
any other body's report leaves the name blank for the clerk.

``recipients_on(plan, issuer, scope, lineage)`` words "Nơi nhận" (see its docstring).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from kehoach.documents.wording import place_of
from kehoach.orgunits.models import ADMINISTRATIVE_KINDS, OrgUnit, OrgUnitKind
from kehoach.plans import scope

COMMITTEE_KINDS = ADMINISTRATIVE_KINDS
COMMITTEE_SIGNATURE = ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
COMMITTEE_SYMBOL = "BC-UBND"
# A body's head and deputy by the first word(s) of its name (the longest prefix that fits).
HEADS = {
    "Sở": ("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    "Phòng": ("TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"),
    "Văn phòng": ("CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"),
    "Chi cục": ("CHI CỤC TRƯỞNG", "PHÓ CHI CỤC TRƯỞNG"),
    "Ban": ("TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"),
    "Trung tâm": ("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
}
DEFAULT_HEAD = ("THỦ TRƯỞNG CƠ QUAN", "PHÓ THỦ TRƯỞNG CƠ QUAN")
# The kinds of committees a "UBND các …" recipient names, in the order it names them.
COMMITTEE_WORDS = {
    OrgUnitKind.DISTRICT: "huyện",
    OrgUnitKind.TOWN: "thị xã",
    OrgUnitKind.COMMUNE: "xã",
    OrgUnitKind.WARD: "phường",
    OrgUnitKind.TOWNSHIP: "thị trấn",
}
# The words that start a territory in a body's name: "Sở … thành phố Huế".
_TERRITORY = re.compile(r"\s(?:thành phố|thị xã|thị trấn|đặc khu|tỉnh|huyện|quận|xã|phường)\s+(\S)")
_WORD = re.compile(r"[^\W_]+(?:&[^\W_]+)*")
_COMMITTEES = re.compile(r"^(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+các\s+", re.IGNORECASE)
_SKIPPED_WORDS = {"và"}


@dataclass(frozen=True)
class Issuer:
    """The issuing body's particulars on ``day``, as the report prints them."""

    unit: OrgUnit
    day: datetime.date
    name: str  # as written ("Sở Khoa học và Công nghệ thành phố Huế"); the header: .upper()
    superior: str  # the line above the name, in capitals; "" for none
    reports_to: OrgUnit | None  # its parent on the day: the first recipient, "(b/c)"
    symbol: str  # "BC-UBND", "BC-SKHCN"
    place: str  # "Huế"
    authority: str  # "KT. GIÁM ĐỐC"
    title: str  # "PHÓ GIÁM ĐỐC"
    signer_name: str  # "" unless the plan's own signer signs

    @property
    def heading(self) -> str:
        return self.name.upper()


def is_committee(unit: OrgUnit) -> bool:
    return unit.kind in COMMITTEE_KINDS


def _plain(text: str) -> str:
    """Without diacritics, capitals kept, Đ kept (as symbols are written: "SKHĐT")."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def without_place(name: str) -> str:
    """A body's name without the territory it ends with: "Sở Khoa học và Công nghệ thành phố
    Huế" → "Sở Khoa học và Công nghệ". A territory word counts only before a capitalised
    name ("Phòng Lao động - Thương binh và Xã hội" keeps its "Xã hội")."""
    for m in _TERRITORY.finditer(name):
        if m[1].isupper():
            return name[: m.start()].strip()
    return name.strip()


def abbreviation(text: str) -> str:
    """The letters of a number symbol: each word's initial, an abbreviation's own letters
    ("KH&CN" → "KHCN"), "và" left out, diacritics dropped but Đ kept: "Sở Khoa học và Công
    nghệ" → "SKHCN", "Sở KH&CN" → "SKHCN", "Phòng Giáo dục và Đào tạo" → "PGDĐT"."""
    letters = []
    for word in _WORD.findall(text):
        if word.casefold() in _SKIPPED_WORDS:
            continue
        if len(word) > 1 and word.isupper():
            letters.append(_plain(word).replace("&", ""))
        else:
            letters.append(_plain(word[0]).upper())
    return "".join(letters)


def symbol_of(unit: OrgUnit, name: str) -> str:
    """The report's number symbol: "BC-UBND" for a committee; otherwise "BC-" and the
    abbreviation of the body's short name when it has one, else of its name without the
    territory."""
    if is_committee(unit):
        return COMMITTEE_SYMBOL
    return f"BC-{abbreviation(unit.short_name or without_place(name))}"


def head_of(unit: OrgUnit, name: str) -> tuple[str, str]:
    """(authority, title) of the signature: "KT. <head>", "<deputy head>"."""
    if is_committee(unit):
        return COMMITTEE_SIGNATURE
    head = DEFAULT_HEAD
    for prefix in sorted(HEADS, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + " "):
            head = HEADS[prefix]
            break
    return f"KT. {head[0]}", head[1]


def committee_over(unit: OrgUnit, day: datetime.date) -> OrgUnit | None:
    """The committee whose territory ``unit`` is in on ``day``: itself for a committee, else
    the nearest one up its parents on that day."""
    seen: set[int] = set()
    found: OrgUnit | None = unit
    while found is not None and found.pk not in seen:
        if is_committee(found):
            return found
        seen.add(found.pk)
        found = found.parent_on(day)
    return None


def original_issuer(plan) -> OrgUnit | None:
    """The plan's first holder: the body that issued it, whose signer the plan names."""
    found = scope.holdings(plan) if plan is not None else []
    return found[0].owner if found else None


def issuer_on(unit: OrgUnit, day: datetime.date, plan=None) -> Issuer:
    """``unit``'s particulars as the issuer of a report on ``day`` (see the module's rule);
    ``plan``: the plan reported on (its own issuer signs with the plan's signer)."""
    name = unit.name_on(day)
    parent = unit.parent_on(day)
    own = plan is not None and (first := original_issuer(plan)) is not None and first.pk == unit.pk
    if is_committee(unit):
        superior = ""
        if own and plan.issuer_superior.strip():
            superior = parent.name_on(day) if parent is not None else plan.issuer_superior
        place = place_of(name)
    else:
        superior = ""
        if unit.kind == OrgUnitKind.DEPARTMENT and parent is not None:
            superior = parent.name_on(day)
        territory = committee_over(unit, day)
        place = place_of(territory.name_on(day)) if territory is not None else place_of(name)
    authority, title = head_of(unit, name)
    signer = ""
    if own and (plan.signer_title.strip() or plan.signer_name.strip()):
        authority, title = plan.signer_authority.upper(), plan.signer_title.upper()
        signer = plan.signer_name
    return Issuer(
        unit=unit,
        day=day,
        name=name,
        superior=superior.strip().upper(),
        reports_to=parent,
        symbol=symbol_of(unit, name),
        place=place,
        authority=authority,
        title=title,
        signer_name=signer,
    )


# ------------------------------------------------------------------------------ recipients


def _tokens(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text))


def is_named(text: str, name: str) -> bool:
    """Whether a recipient as written (``text``) names the body called ``name``: word for
    word (case aside), an abbreviation standing for as many words by their initials
    ("Phòng KT và HT" = "Phòng Kinh tế và Hạ tầng", "UBND" = "Ủy ban nhân dân"), and the
    name may go on with its territory ("Sở Khoa học và Công nghệ" names "Sở Khoa học và
    Công nghệ thành phố Huế")."""
    return _matches(_tokens(text), _tokens(name))


def _initials(word: str) -> str:
    """An abbreviation's letters as initials compare: no diacritics, Đ as D, no &."""
    return _plain(word).upper().replace("&", "").replace("Đ", "D")


def _may_match(said: list[str], full: list[str]) -> bool:
    """A cheap first look: the first words agree, or the first is an abbreviation whose
    first letter is the name's first initial."""
    if not said or not full:
        return False
    first = said[0]
    if first.casefold() == full[0].casefold():
        return True
    return len(first) > 1 and first.isupper() and _initials(first)[:1] == _initials(full[0][0])


def _matches(said: list[str], full: list[str]) -> bool:
    if not _may_match(said, full):
        return False

    def rest_is_territory(j: int) -> bool:
        if j == len(full):
            return True
        tail = " " + " ".join(full[j:])
        return _TERRITORY.match(tail) is not None and without_place(tail) == ""

    def match(i: int, j: int) -> bool:
        if i == len(said):
            return rest_is_territory(j)
        word = said[i]
        same = j < len(full) and word.casefold() == full[j].casefold()
        if same and match(i + 1, j + 1):
            return True
        if len(word) > 1 and word.isupper():
            letters = _initials(word)
            k = len(letters)
            initials = "".join(_initials(w[0]) for w in full[j : j + k])
            if j + k <= len(full) and initials == letters and match(i + 1, j + k):
                return True
        return False

    return match(0, 0)


def _named(units: list[OrgUnit]) -> list[tuple[OrgUnit, list[list[str]]]]:
    """Each unit with the words of each of its names (today's and former ones)."""
    return [
        (u, [_tokens(n) for n in (u.name, *(f.name for f in u.former_names.all()))]) for u in units
    ]


def _named_unit(text: str, named, lineage, issuer: Issuer) -> OrgUnit | None:
    """The body a recipient names, if the organisation has one: the only one, else the one
    closest to the issuer on the day (the issuer and its scope first, then the units under
    its nearest ancestor, …); None when nothing or several equally close fit."""
    said = _tokens(text)
    found = [u for u, names in named if any(_matches(said, full) for full in names)]
    if len(found) <= 1:
        return found[0] if found else None
    chain, code, seen = [], issuer.unit.code, set()
    while code is not None and code not in seen and code in lineage.units:
        seen.add(code)
        chain.append(code)
        code = lineage.parent_on(code, issuer.day)

    def distance(u: OrgUnit) -> int:
        up, at, seen = [], u.code, set()
        while at is not None and at not in seen and at in lineage.units:
            seen.add(at)
            up.append(at)
            at = lineage.parent_on(at, issuer.day)
        shared = [chain.index(c) for c in up if c in chain]
        return min(shared) if shared else len(chain) + 1

    ranked = sorted(found, key=distance)
    best = distance(ranked[0])
    closest = [u for u in ranked if distance(u) == best]
    return closest[0] if len(closest) == 1 and best <= len(chain) else None


def carrier_on(unit: OrgUnit, day: datetime.date) -> OrgUnit | None:
    """The unit itself if it exists on ``day``, else the successor that carries it then."""
    found, seen = unit, set()
    while found is not None and found.pk not in seen:
        if found.is_valid_on(day):
            return found
        if found.valid_from is not None and day < found.valid_from:
            return None  # not there yet
        seen.add(found.pk)
        found = found.successor
    return None


def recipients_on(plan, issuer: Issuer, scope_codes, lineage) -> list[str]:
    """ "Nơi nhận" of the report ``issuer`` makes for ``plan``: the body it reports to
    ("(b/c)") first, then the plan's upward receivers ("(b/c)") and recipients as they stand
    on the day, then "Lưu: VT.". A recipient as written in the plan:

    - naming a body the organisation has (``_named_unit``): kept as written while that body
      exists with the name it had when the plan was issued; under its name on the day when
      it was renamed; replaced by its successor's name on the day when it has ended; dropped
      when that body is the issuer itself or the one it reports to (already first);
    - "UBND các …" (the committees below): rewritten for the committees among
      ``scope_codes`` on the day ("UBND các xã, phường"), dropped when there are none;
    - naming no body of the organisation ("TV Huyện ủy…", "CT và các PCT UBND huyện", "Các
      phòng, ban cấp huyện", "VP: LĐ và CV"): written for the plan's original issuer, kept
      only when the issuer is a body of the same kind (a district for a district plan).

    The same name is never listed twice."""
    day = issuer.day
    first = original_issuer(plan)
    same_voice = first is None or first.kind == issuer.unit.kind
    issued = plan.issued_on or datetime.date(plan.period_start, 1, 1)
    units = list(OrgUnit.objects.select_related("successor").prefetch_related("former_names"))
    named = _named(units)
    skip = {issuer.unit.pk}
    upward: list[str] = []
    others: list[str] = []
    seen: set[str] = set()

    def add(name: str, note: str) -> None:
        if name.casefold() in seen:
            return
        seen.add(name.casefold())
        label = f"{name} ({note})" if note else name
        (upward if note == "b/c" else others).append(label)

    if issuer.reports_to is not None:
        add(issuer.reports_to.name_on(day), "b/c")
        skip.add(issuer.reports_to.pk)

    def committees(prefix: str) -> str | None:
        kinds = {
            u.kind
            for u in units
            if u.code in scope_codes and u.pk != issuer.unit.pk and u.is_valid_on(day)
        }
        words = [w for kind, w in COMMITTEE_WORDS.items() if kind in kinds]
        return f"{prefix} các {', '.join(words)}" if words else None

    def addressee(text: str) -> str | None:
        m = _COMMITTEES.match(text)
        if m:
            return committees(m[1])
        unit = _named_unit(text, named, lineage, issuer)
        if unit is None:
            return text if same_voice else None
        carrier = carrier_on(unit, day)
        if carrier is None or carrier.pk in skip:
            return None
        if carrier.pk == unit.pk and unit.name_on(issued) == unit.name_on(day):
            return text
        return carrier.name_on(day)

    rule = getattr(plan, "reporting_rule", None)
    written = [(name, "b/c") for name in (rule.upward_receivers if rule else [])]
    written += [(r.name, r.note) for r in plan.recipients.order_by("order")]
    for text, note in written:
        text = text.strip()
        if not text or text.casefold().startswith("lưu"):
            continue
        name = addressee(text)
        if name:
            add(name, note)
    return [f"{x};" for x in [*upward, *others]] + ["Lưu: VT."]
