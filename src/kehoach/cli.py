"""The `kehoach` command: Django's manage with the project's settings."""

import os
import sys


def data_dir_problem() -> str | None:
    """Why the data directory cannot hold the default SQLite database, in Vietnamese then
    English; None when it can, or when the database is elsewhere (DATABASE_URL)."""
    from django.conf import settings

    if os.environ.get("DATABASE_URL"):
        return None
    where = settings.DATA_DIR
    if where.is_dir() and os.access(where, os.W_OK | os.X_OK):
        return None
    reason = "không phải là thư mục" if where.exists() else "không tạo được"
    because = "is not a directory" if where.exists() else "cannot be created"
    if where.is_dir():
        reason, because = "không ghi được", "is not writable"
    return (
        f"Lỗi: thư mục dữ liệu {where} (KEHOACH_DATA_DIR) {reason}: "
        "hãy chọn một thư mục ghi được, hoặc đặt DATABASE_URL.\n"
        f"Error: the data directory {where} (KEHOACH_DATA_DIR) {because}: "
        "choose a writable directory, or set DATABASE_URL."
    )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehoach.settings")
    from django.core.management import execute_from_command_line

    from kehoach.audit.context import acting, os_account

    name = sys.argv[1] if len(sys.argv) > 1 else "help"
    if name not in ("help", "--help", "-h", "--version", "version") and (
        problem := data_dir_problem()
    ):
        print(problem, file=sys.stderr)
        sys.exit(2)
    with acting(via=f"command {name}", name=os_account()):  # who and how, in the audit trail
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
