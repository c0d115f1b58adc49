"""Checkpoints: the chain's head, written outside the database (a file, a mail) every day.

A line holds the sequence number and hash of the last entry, when it was taken and a seal
(``sealing.seal("checkpoint", ...)``). ``kehoach verify_audit --anchor FILE`` checks that every
checkpoint is still in the chain: someone who can write the database but not that file cannot
cut the chain back to an older state (with an old head row kept from a copy) unseen.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from . import sealing
from .models import AuditHead


class CheckpointError(Exception):
    pass


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    tag: str = ""

    def content(self) -> dict:
        return {"seq": self.seq, "hash": self.hash, "at": self.at}

    def sealed(self) -> Checkpoint:
        return Checkpoint(self.seq, self.hash, self.at, sealing.seal("checkpoint", self.content()))

    def holds(self) -> bool:
        return sealing.matches(self.tag, "checkpoint", self.content())

    def line(self) -> str:
        return f"{self.seq}\t{self.hash}\t{self.at}\t{self.tag}"


def of_head() -> Checkpoint | None:
    """A sealed checkpoint of the chain as it stands; None while it is empty."""
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or head.last_seq == 0:
        return None
    at = timezone.now().replace(microsecond=0).isoformat()
    return Checkpoint(head.last_seq, head.last_hash, at).sealed()


def read(path: str | Path) -> list[Checkpoint]:
    """The checkpoints of a file, in order; CheckpointError naming the first bad line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CheckpointError(
            _("%(file)s: the checkpoint file cannot be read (%(why)s)")
            % {"file": path, "why": exc.strerror or exc}
        ) from exc
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        try:
            seq, hash_, at, tag = parts
            checkpoint = Checkpoint(int(seq), hash_, at, tag)
        except ValueError:
            checkpoint = None
        if checkpoint is None or not checkpoint.holds():
            raise CheckpointError(
                _(
                    "%(file)s, line %(line)d: not a checkpoint this installation wrote "
                    "(damaged, or sealed with another key)"
                )
                % {"file": path, "line": number}
            )
        found.append(checkpoint)
    return found


def append(path: str | Path, checkpoint: Checkpoint) -> bool:
    """Add the checkpoint to the file (made with mode 0600); False when the file's last line
    already holds this head (running twice adds nothing)."""
    path = Path(path)
    if path.exists():
        known = read(path)
        if known and (known[-1].seq, known[-1].hash) == (checkpoint.seq, checkpoint.hash):
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(checkpoint.line() + "\n")
        out.flush()
        os.fsync(out.fileno())
    return True
