"""The data elements a drafted indicator reads: proposed from its name, measure and unit.

A parsed plan's indicators must be reportable, so each gets a ``numerator`` (and for a ratio a
``denominator`` and ``factor``) over data elements proposed here (docs/parsing.md):

- **ratio** in "%": two integer elements summed, ``factor: 100``. "Tỷ lệ S P" (a subject S and
  a predicate P starting at a verb such as "được", "đạt", "có", "ra lớp") gives "Số S P" over
  "Tổng số S" ("Tỷ lệ trẻ 5 tuổi ra lớp" -> "Số trẻ 5 tuổi ra lớp" / "Tổng số trẻ 5 tuổi");
  "A so với B" gives A over B; any other name the generic pair "Số đạt: <name>" / "Tổng số:
  <name>", at a lower confidence.
- **count**: one integer element summed, named "Số ..." after the indicator.
- **value**: one number element, averaged for "bình quân", "trung bình" or a rate ("tạ/ha"),
  else summed.

Codes are the indicator's code with a suffix (``CT1_TU``, ``CT1_MAU``, ``CT2_SO``, ``CT3_GT``),
upper-case ASCII, made unique within the plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .matching import capitalise, fold, lower_first

# where the predicate of "Tỷ lệ <subject> <predicate>" starts (matched on the lower-case text:
# folding would make "đất" read as "đạt")
_PREDICATE = re.compile(
    r"(?<!\w)(?:được|đạt|có|không có|sử dụng|thực hiện|tham gia|hoàn thành|tốt nghiệp|bỏ học|"
    r"ra lớp|đến trường|đi học|qua đào tạo|suy dinh dưỡng|mắc|bị|ứng dụng|áp dụng|tiếp cận|"
    r"thoát nghèo)(?!\w)"
)
_LEADING_VERB = re.compile(r"^(?:huy động)\s+", re.IGNORECASE)  # "Tỷ lệ huy động trẻ ..."
_MASS = re.compile(r"^(?:chất thải|rác thải|nước thải|phân bón)(?!\w)", re.IGNORECASE)
_CHANGE = re.compile(r"\((?:mức (?:tăng|giảm))\)|^(?:tốc độ|tỷ lệ tăng)", re.IGNORECASE)
_QUANTITY_NOUN = re.compile(r"^(?:so|tong|luong|khoi luong|dien tich|san luong)\b")


@dataclass
class Proposal:
    """What one indicator reads: its elements and the keys to add to the indicator."""

    elements: list[dict]
    expression: dict  # numerator, and denominator and factor for a ratio
    confidence: float
    notes: list[str] = field(default_factory=list)


def element_code(indicator_code: str, suffix: str, used: set[str]) -> str:
    """``CT1`` + ``TU`` -> ``CT1_TU``: upper-case ASCII, starting with a letter, not in ``used``
    (``_2``, ``_3`` ... added when it is); the code is added to ``used``."""
    base = re.sub(r"[^A-Z0-9]+", "_", fold(indicator_code).upper()).strip("_") or "CT"
    if not base[0].isalpha():
        base = f"CT{base}"
    code = f"{base[:56]}_{suffix}"
    n = 1
    while code in used:
        n += 1
        code = f"{base[:56]}_{suffix}_{n}"
    used.add(code)
    return code


def _element(code: str, name: str, unit: str, type_: str, aggregation: str) -> dict:
    return {
        "code": code,
        "name": name,
        "unit": unit[:32],
        "type": type_,
        "aggregation": aggregation,
        "period": "yearly",
    }


def ratio_names(name: str) -> tuple[str, str, str] | None:
    """(numerator's name, denominator's name, type) when the name splits clearly, else None.

    "Tỷ lệ trẻ 5 tuổi ra lớp" -> ("Số trẻ 5 tuổi ra lớp", "Tổng số trẻ 5 tuổi", "integer")."""
    text = re.sub(r"\s+", " ", name).strip(" .;:")
    if _CHANGE.search(text):
        return None  # a rate of change is not a share of a total
    folded = fold(text)
    if " so voi " in f" {folded} ":
        cut = folded.index("so voi")
        part, whole = text[:cut].strip(" ,"), text[cut + len("so voi") :].strip(" ,")
        if part and whole and len(part.split()) >= 2:
            part = re.sub(r"^(?:Tỷ lệ|Tỷ trọng)\s+", "", part, flags=re.IGNORECASE)
            return capitalise(part), capitalise(whole), "number"
        return None
    found = re.match(r"(?:tỷ lệ|tỉ lệ)\s+(.+)$", text, re.IGNORECASE)
    if not found:
        return None
    rest = _LEADING_VERB.sub("", found.group(1))
    rest = re.sub(r"^dân số(?!\w)", "dân", rest, flags=re.IGNORECASE)
    predicate = _PREDICATE.search(rest.lower())
    if predicate is None or predicate.start() == 0:
        return None
    subject = rest[: predicate.start()].strip(" ,")
    if not subject:
        return None
    if _MASS.match(rest):
        return f"Lượng {rest}", f"Tổng lượng {subject}", "number"
    return f"Số {rest}", f"Tổng số {subject}", "integer"


def count_name(name: str, unit: str) -> tuple[str, bool]:
    """The name of a count's element, and whether it reads clearly: "Sản phẩm chủ lực ..."
    (unit "sản phẩm") -> "Số sản phẩm chủ lực ..."; a name that says a quantity already is kept;
    else "Số <unit>: <name>"."""
    folded = fold(name)
    if _QUANTITY_NOUN.match(folded):
        return name, True
    if unit and (folded == fold(unit) or folded.startswith(fold(unit) + " ")
                 or folded.startswith(fold(unit) + ",")):  # fmt: skip
        return f"Số {lower_first(name)}", True
    return (f"Số {unit}: {name}" if unit else f"Số: {name}"), False


def propose(indicator: dict, used: set[str]) -> Proposal:
    """The elements for one drafted indicator (its ``code``, ``name``, ``measure``, ``unit``)
    and the ``numerator``/``denominator``/``factor`` it gets; codes taken are added to
    ``used``."""
    code, name, unit = indicator["code"], indicator["name"], indicator.get("unit", "")
    measure = indicator["measure"]
    if measure == "ratio":
        split = ratio_names(name)
        notes = []
        if split:
            top, bottom, type_ = split
            confidence = 0.7
        else:
            top, bottom, type_ = f"Số đạt: {name}", f"Tổng số: {name}", "integer"
            confidence = 0.4
            notes.append("the name gives no clear numerator and denominator: name them")
            if _CHANGE.search(name):
                confidence = 0.3
                notes.append("a rate of change: numerator and denominator to be defined")
        top_code = element_code(code, "TU", used)
        bottom_code = element_code(code, "MAU", used)
        expression: dict = {"numerator": f"#{{{top_code}}}", "denominator": f"#{{{bottom_code}}}"}
        if unit == "%":
            expression["factor"] = 100
        return Proposal(
            [
                _element(top_code, top, "", type_, "sum"),
                _element(bottom_code, bottom, "", type_, "sum"),
            ],
            expression,
            confidence,
            notes,
        )
    if measure == "count":
        element_name, clear = count_name(name, unit)
        element = _element(element_code(code, "SO", used), element_name, unit, "integer", "sum")
        notes = [] if clear else ["named from the indicator's text: check the name"]
        return Proposal(
            [element], {"numerator": f"#{{{element['code']}}}"}, 0.7 if clear else 0.5, notes
        )
    averaged = bool(re.search(r"\b(?:binh quan|trung binh)\b", fold(name))) or "/" in unit
    element = _element(
        element_code(code, "GT", used), name, unit, "number", "average" if averaged else "sum"
    )
    if averaged:
        note = (
            "an average or a rate: values are added up over units, so when several units "
            "report make it a ratio of two elements (a total over a count)"
        )
        return Proposal([element], {"numerator": f"#{{{element['code']}}}"}, 0.4, [note])
    note = "added up over units and over the periods of the year: check that it adds up"
    return Proposal([element], {"numerator": f"#{{{element['code']}}}"}, 0.6, [note])
