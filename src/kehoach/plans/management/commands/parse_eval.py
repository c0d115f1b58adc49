"""`kehoach parse_eval DIR [--detail] [--min-recall R] [--min-precision P]`.

Scores the plan reader on a folder of hand-labelled plan texts (see
:mod:`kehoach.plans.parsing.evaluation`): recall and precision per text and in total, and with
``--detail`` the targets missed and the ones found that no label has. With a floor, the command
fails when the total or any text is below it (``make parser-eval`` runs it on the corpus of
real texts).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kehoach.plans.parsing.evaluation import score_corpus, totals


def _key_text(k) -> str:
    year, op, value, high, unit = k
    amount = f"{value}" + (f"-{high}" if high is not None else "")
    return f"{year} {op} {amount} {unit}".strip()


class Command(BaseCommand):
    help = _("Score the plan reader on a folder of labelled plan texts.")

    def add_arguments(self, parser):
        parser.add_argument("dir")
        parser.add_argument("--detail", action="store_true", help=_("list misses and extras"))
        parser.add_argument("--min-recall", type=float, default=None)
        parser.add_argument("--min-precision", type=float, default=None)
        parser.add_argument(
            "--min-text",
            type=float,
            default=None,
            help=_("the lowest recall and precision any one text may have"),
        )

    def handle(self, *args, dir, detail, min_recall, min_precision, min_text, **options):
        folder = Path(dir)
        if not folder.is_dir():
            raise CommandError(_("%(dir)s: not a folder") % {"dir": dir})
        scores = score_corpus(folder)
        if not scores:
            raise CommandError(_("%(dir)s: no *.expected.yaml in this folder") % {"dir": dir})
        w = max(len(s.file) for s in scores)
        self.stdout.write(f"{'text':<{w}}  {'labels':>6} {'found':>5} {'right':>5} "
                          f"{'recall':>6} {'prec.':>6}")  # fmt: skip
        for s in scores:
            self.stdout.write(f"{s.file:<{w}}  {s.expected:>6} {s.found:>5} {s.hits:>5} "
                              f"{s.recall:>6.2f} {s.precision:>6.2f}")  # fmt: skip
            if detail:
                for k in s.missed:
                    self.stdout.write(f"    missed: {_key_text(k)}")
                for k in s.extra:
                    self.stdout.write(f"    extra:  {_key_text(k)}")
        labelled, found, right = totals(scores)
        recall = right / labelled if labelled else 1.0
        precision = right / found if found else 0.0
        self.stdout.write(f"{'total':<{w}}  {labelled:>6} {found:>5} {right:>5} "
                          f"{recall:>6.2f} {precision:>6.2f}")  # fmt: skip
        failures = []
        if min_recall is not None and recall < min_recall:
            failures.append(_("recall %(r).2f is under %(m).2f") % {"r": recall, "m": min_recall})
        if min_precision is not None and precision < min_precision:
            failures.append(
                _("precision %(p).2f is under %(m).2f") % {"p": precision, "m": min_precision}
            )
        if min_text is not None:
            for s in scores:
                if min(s.recall, s.precision) < min_text:
                    failures.append(f"{s.file}: {min(s.recall, s.precision):.2f} < {min_text:.2f}")
        if failures:
            raise CommandError("\n".join(failures))
