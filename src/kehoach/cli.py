"""The `kehoach` command: Django's manage with the project's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehoach.settings")
    from django.core.management import execute_from_command_line

    from kehoach.audit.context import acting, os_account

    name = sys.argv[1] if len(sys.argv) > 1 else "help"
    with acting(via=f"command {name}", name=os_account()):  # who and how, in the audit trail
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
