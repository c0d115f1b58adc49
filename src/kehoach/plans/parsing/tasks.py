"""Section "NHIỆM VỤ VÀ GIẢI PHÁP": task groups and tasks, with their units.

The numbered headings of the section are the task groups (lettered ones when there are no
numbers; the whole section is one group when it has neither). Each paragraph, bullet or item
under a group is one task; a numbered or lettered item with items under it is a sub-heading
whose items are the tasks; the "+" lines under a "-" task belong to that task's text.

A task's lead is the unit it names (:func:`.organisation.lead_of`); when it names none, the
plan's lead unit of section IV, at a low confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .organisation import lead_of
from .sections import Node


@dataclass
class TaskDraft:
    node: Node
    text: str
    lead: str
    coordinating: list[str]
    confidence: float
    note: str
    lines: list = field(default_factory=list)


@dataclass
class GroupDraft:
    node: Node
    code: str
    title: str
    tasks: list[TaskDraft]


def _is_subheading(node: Node) -> bool:
    """A numbered or lettered item with items under it; a "-" task keeps its "+" details."""
    text = node.text.rstrip()
    return (
        bool(node.children)
        and node.kind in ("number", "letter")
        and (text.endswith(":") or not text.endswith("."))
    )


def _tasks_under(node: Node) -> list[tuple[Node, str, list]]:
    out = []
    for child in node.children:
        if _is_subheading(child):
            out += _tasks_under(child)
        elif child.children:
            text = " ".join([child.text, *(g.full_text() for g in child.children)])
            out.append((child, text, [n.line for n in child.walk()]))
        else:
            out.append((child, child.text, [child.line]))
    return out


def task_groups(part: Node, plan_lead: str) -> tuple[list[GroupDraft], list[Node]]:
    """The groups of a tasks section, and the nodes that are in no group (an introduction)."""
    heads = [c for c in part.children if c.kind == "number"] or [
        c for c in part.children if c.kind == "letter"
    ]
    if not heads:
        heads = [part]
    loose = [c for c in part.children if c not in heads] if heads != [part] else []
    groups: list[GroupDraft] = []
    used: set[str] = set()
    for i, head in enumerate(heads, start=1):
        code = head.label if head.kind == "number" and head.label not in used else str(i)
        used.add(code)
        title = head.text.rstrip(" :.") if head is not part else part.text.rstrip(" :.")
        drafts = []
        entries = _tasks_under(head)
        if not entries:  # a group with no tasks under it: the heading is its one task
            entries = [(head, head.text, [head.line])]
        for node, text, lines in entries:
            found = lead_of(text)
            lead, confidence, note = found.lead, found.confidence, found.note
            if lead is None:
                lead, confidence, note = plan_lead, 0.3, "no unit named: the plan's lead unit"
            coordinating = [c for c in found.coordinating if c != lead]
            drafts.append(
                TaskDraft(node, text.strip(), lead, coordinating, confidence, note, lines)
            )
        groups.append(GroupDraft(head, code, title or f"Nhóm {code}", drafts))
    return groups, loose
