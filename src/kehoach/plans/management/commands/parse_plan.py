"""`kehoach parse_plan FILE [--format yaml|json] [-o PLAN.yaml] [--review REVIEW.json]`.

Prints a draft plan file read from a Vietnamese plan text (.txt in any encoding, .docx) on
stdout, and the review (every line: where it went, how sure; the lines placed nowhere) on
stderr; ``--review`` also writes the review as JSON. The draft validates as a plan file, so
``kehoach parse_plan plan.docx > plan.yaml`` then ``kehoach load_plan plan.yaml`` works once the
review is done (``-o plan.yaml`` writes the draft to a file instead). Each indicator reads data
elements the draft proposes (``data_elements``). See docs/parsing.md.
"""

import json
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.plans.parsing import parse_plan_bytes
from kehoach.plans.planfile import dump, validate

# what validation says of a draft whose text gives no year: a person fills these in
_YEAR_TO_FILL = re.compile(
    r"^(?:indicators\[\d+\]\.targets\[\d+\]\.year|period\.(?:from|to)|start_date):"
)


class Command(BaseCommand):
    help = _("Read a Vietnamese plan text (.txt, .docx) and print a draft plan file.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help=_("write the draft to this file, not stdout")
        )
        parser.add_argument("--review", metavar="FILE", help=_("also write the review as JSON"))
        parser.add_argument(
            "--quiet", action="store_true", help=_("print only the summary of the review")
        )

    def handle(self, *args, file, format, output, review, quiet, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        try:
            result = parse_plan_bytes(data, path.name)
        except ValueError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        problems = validate(result.plan)
        years_to_fill = [p for p in problems if _YEAR_TO_FILL.match(str(p))]
        problems = [p for p in problems if not _YEAR_TO_FILL.match(str(p))]
        if problems:  # a bug of the reader: say so rather than print a file that will not load
            lines = "\n".join(f"{file}: {p}" for p in problems)
            raise CommandError(_("%(file)s: the draft does not validate:\n%(lines)s")
                               % {"file": file, "lines": lines})  # fmt: skip
        if review:
            payload = {"file": str(path), **result.review_dict()}
            Path(review).write_text(
                json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        if output:
            Path(output).write_text(dump(result.plan, format), encoding="utf-8")
        else:
            self.stdout.write(dump(result.plan, format), ending="")
        self.stderr.write(_report(result, file, quiet), ending="")
        if years_to_fill:  # the text gives no year: never the clock's; the person fills them in
            self.stderr.write(
                _("%(file)s: the text gives no year for %(n)d entries; fill them in before "
                  "load_plan:") % {"file": file, "n": len(years_to_fill)}
            )  # fmt: skip
            for p in years_to_fill:
                self.stderr.write(f"{file}: {p}")


def _report(result, file: str, quiet: bool) -> str:
    counts = (
        "# {lines} lines, {unplaced} not placed; {indicators} indicators with {targets} targets; "
        "{task_groups} task groups with {tasks} tasks; {data_elements} data elements proposed"
    ).format(**result.review_dict()["summary"])
    out = [f"# review of {file} (encoding: {result.encoding})", counts]
    out += [f"# note: {n}" for n in result.notes]
    missed = [item for item, quantified in result.unplaced_quantified_first() if quantified]
    if missed:
        out.append("# not placed but quantified (a target missed?), check first:")
        out += [f"# {item.line:>5}  {item.text[:100]}" for item in missed]
    if not quiet:
        out.append(f"# {'line':>5}  {'conf':>4}  {'placed as':<28} text")
        for item in result.review:
            conf = "  — " if item.placed_as is None else f"{item.confidence:4.2f}"
            where = item.placed_as or "(not placed)"
            text = item.text if len(item.text) <= 70 else item.text[:69] + "…"
            note = f"  [{item.note}]" if item.note else ""
            out.append(f"# {item.line:>5}  {conf}  {where:<28} {text}{note}")
    return "\n".join(out) + "\n"
