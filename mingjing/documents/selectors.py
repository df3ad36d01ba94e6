"""Reads for documents, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import Http404

from mingjing.documents import options
from mingjing.documents.models import DocumentSetting, ParagraphOverride
from mingjing.documents.registry import DocumentKind, get_kind
from mingjing.meetings.models import Meeting, RosterEntry


def get_document_kind(kind: str) -> DocumentKind:
    found = get_kind(kind)
    if found is None:
        raise Http404("没有这种文书")
    return found


def get_member_for_meeting(*, meeting: Meeting, pk: Any) -> RosterEntry | None:
    """A roster entry of this meeting (404 for another meeting's), or None when `pk` is empty."""
    if pk in (None, ""):
        return None
    try:
        return RosterEntry.objects.get(meeting=meeting, pk=int(pk))
    except (ValueError, RosterEntry.DoesNotExist) as exc:
        raise Http404("没有找到该班子成员") from exc


def overrides_for(*, meeting: Meeting, kind: str, member: RosterEntry | None) -> dict[str, str]:
    """key → the user's text, for a builder, with the document's settings under reserved keys
    (`documents.options`). The caller has reached `meeting` through an access-checked selector."""
    edits = dict(override_rows(meeting=meeting, kind=kind, member=member).values_list("key", "text"))
    return edits | settings_options(setting_for(meeting=meeting, kind=kind, member=member))


def setting_for(*, meeting: Meeting, kind: str, member: RosterEntry | None) -> DocumentSetting | None:
    qs = DocumentSetting.objects.filter(meeting=meeting, kind=kind)
    return (qs.filter(member__isnull=True) if member is None else qs.filter(member=member)).first()


def settings_options(setting: DocumentSetting | None) -> dict[str, str]:
    if setting is None:
        return {}
    return options.encode(dated=setting.dated_on, off=setting.sections_off)


def override_rows(*, meeting: Meeting, kind: str, member: RosterEntry | None):
    qs = ParagraphOverride.objects.filter(meeting=meeting, kind=kind)
    return qs.filter(member__isnull=True) if member is None else qs.filter(member=member)


def override_counts(*, meeting: Meeting) -> dict[tuple[str, int | None], int]:
    """(kind, member id or None) → number of edited paragraphs, in one query."""
    rows = ParagraphOverride.objects.filter(meeting=meeting).values("kind", "member_id").annotate(n=Count("id"))
    return {(r["kind"], r["member_id"]): r["n"] for r in rows}
