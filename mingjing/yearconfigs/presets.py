"""Loading the shipped presets (presets.json) into the database.

Missing presets are created; existing ones are never overwritten, because an administrator
may have corrected a text in the browser.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

PRESETS_FILE = Path(__file__).with_name("presets.json")


def load_presets() -> list[dict[str, Any]]:
    return json.loads(PRESETS_FILE.read_text(encoding="utf-8"))["presets"]


@transaction.atomic
def sync_presets() -> int:
    """Create the presets that are missing; return how many were created."""
    from mingjing.yearconfigs.models import CONFIG_FIELDS, Aspect, YearConfig

    defaults = {f.name: f.get_default() for f in YearConfig._meta.fields}

    existing = set(YearConfig.objects.exclude(preset_code="").values_list("preset_code", flat=True))
    created = 0
    for preset in load_presets():
        if preset["preset_code"] in existing:
            continue
        config = YearConfig.objects.create(
            preset_code=preset["preset_code"], **{name: preset.get(name, defaults[name]) for name in CONFIG_FIELDS}
        )
        Aspect.objects.bulk_create(
            Aspect(config=config, order=i, title=a["title"], text=a.get("text", ""))
            for i, a in enumerate(preset["aspects"], start=1)
        )
        created += 1
    return created


def sync_presets_after_migrate(sender: Any, **kwargs: Any) -> None:
    from django.db import connections

    from mingjing.yearconfigs.models import YearConfig

    using = kwargs.get("using", "default")
    table = YearConfig._meta.db_table
    if table in connections[using].introspection.table_names():
        sync_presets()
