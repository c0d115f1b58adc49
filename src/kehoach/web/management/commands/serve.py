"""`kehoach serve`: the production server, gunicorn with whitenoise serving static files."""

import multiprocessing

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from kehoach.wsgi import application

        return application


class Command(BaseCommand):
    help = _("Run the production server (gunicorn + whitenoise).")

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument(
            "--workers", type=int, default=min(4, multiprocessing.cpu_count() * 2 + 1)
        )
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, bind, workers, threads, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(_("Serving on http://%s/ (Ctrl+C to stop)") % bind)
        _Gunicorn(
            {
                "bind": bind,
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "accesslog": "-",
                "timeout": 120,
            }
        ).run()
