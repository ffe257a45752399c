"""The `telcobill` console command: every Django management command and ours."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telcobill.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["telcobill", *sys.argv[1:]])


if __name__ == "__main__":
    main()
