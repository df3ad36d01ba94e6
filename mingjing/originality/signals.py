"""Keep the index current: every saved material version (typed, autosaved, uploaded, imported)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from mingjing.materials.models import MaterialVersion, Reason

log = logging.getLogger(__name__)


@receiver(post_save, sender=MaterialVersion, dispatch_uid="originality_index_version")
def index_saved_version(sender, instance: MaterialVersion, **kwargs) -> None:
    from mingjing.originality.index import index_version, store_result

    current = instance.reason != Reason.CONFLICT
    try:
        with transaction.atomic():  # a broken index never loses the author's text
            index_version(instance, current=current)
            if current:
                store_result(instance)
    except Exception:
        log.exception("originality: indexing version %s failed", instance.pk)
