"""Shared set-up for benchmarks: a throw-away data dir and a migrated SQLite database."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def django_with_fresh_db() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["MINGJING_DATA_DIR"] = tempfile.mkdtemp(prefix="mingjing-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingjing.settings")
    os.environ.pop("MINGJING_DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
