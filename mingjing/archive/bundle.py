"""Meeting bundle (会议数据包): one meeting with its unit, roster, configuration, every record and
every file, as versioned JSON plus files in a zip — how a unit on a separate intranet hands its
meeting to the superior, and how a deployment moves.

Which rows belong to a meeting is found from the models, not listed by hand: a model with a
non-null foreign key to Meeting, or to a model that belongs to a meeting, is part of it. So a new
domain app's records travel in the bundle without a change here (a test lists them).

Inside the bundle rows refer to each other by bundle-local refs ("talks.talk:3", numbered in
primary-key order), to people, divisions, branches and aspects by natural keys, and to users by
username. Importing creates rows in the same order, so export → import → export gives the same
JSON.

What may leave: online (anonymous-form) opinions that are not shown — the campaign still open, or
the target under the campaign's threshold — travel as counts only ("withheld_opinions"), never as
text.

History cannot be rewritten by an import. The bundle's "history" (who did what and when, each
actor as name and role) is kept here as a read-only record of the other deployment
(archive.ImportedEvent); this deployment's audit events are never deleted, changed or added to by
an import, except its own "bundle.imported" line. An export writes the imported history first,
then this deployment's own.

Whether an import may happen, and as what, is the policy's (`bundle_import_mode`): nobody imports
over a meeting that lives here; the superior gets a read-only copy (Meeting.is_copy), which a newer
bundle refreshes; the unit's own staff move a new meeting in. An import never changes the archive
state of a meeting already here. Links between meetings stay inside one unit. Every reference must
resolve; files are stored once under a name derived from their SHA-256 and written only after the
whole bundle has been checked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError, IntegrityError, models, transaction
from django.utils import timezone

from mingjing.accounts.policy import COPY
from mingjing.archive.models import ImportedEvent, WithheldOpinions
from mingjing.archive.schema import bundle_schema, path_join, validate
from mingjing.audit.events import EVENT_PHRASES
from mingjing.audit.models import AuditEvent
from mingjing.meetings.models import Meeting
from mingjing.organizations.models import Division, Organization, PartyBranch, Person
from mingjing.organizations.services import branch_create, division_create, organization_create, person_create
from mingjing.yearconfigs.models import CONFIG_FIELDS, Aspect, YearConfig

FORMAT, VERSION = "mingjing-bundle", 1
BUNDLE_JSON = "bundle.json"
# History travels as "history", withheld opinions as "withheld_opinions"; the box holds a bundle.
NOT_CARRIED = {
    "audit.auditevent",
    "archive.archivebox",
    "archive.importedevent",
    "archive.withheldopinions",
    "rectification.ledgertally",  # a roll-up, recounted from the items wherever they are written
    "originality.result",  # derived: recomputed when the imported versions are indexed
}
OPINION = "opinions.opinion"
CAMPAIGN = "opinions.campaign"
ROSTER = "meetings.rosterentry"
MEETING_FIELDS = ("kind", "title", "planned_date", "half_day", "place", "created_at", "archived_on")
UNIT_FIELDS = ("name", "short_name", "kind", "addressees", "doc_number_prefix")
PERSON_FIELDS = ("name", "post", "team_role", "precedence", "is_active")


class BundleError(Exception):
    """A bundle that cannot be imported; `errors` name the JSON path of each problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Owned:
    model: type[models.Model]
    path: str  # lookup from the model to its meeting: "meeting", "campaign__meeting" …

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def _owner_fk(model: type[models.Model], known: dict[type, str]) -> str | None:
    for f in model._meta.concrete_fields:
        if (f.many_to_one or f.one_to_one) and not f.null:
            if f.related_model is Meeting:
                return f.name
            if f.related_model in known and f.related_model is not model:
                return f"{f.name}__{known[f.related_model]}"
    return None


@cache
def owned_models() -> tuple[Owned, ...]:
    """The models whose rows belong to one meeting, in an order where every foreign key points
    to a model earlier in the list (self-references are filled in a second pass)."""
    candidates = [
        m
        for m in apps.get_models()
        if m.__module__.startswith("mingjing.") and m is not Meeting and m._meta.label_lower not in NOT_CARRIED
    ]
    paths: dict[type, str] = {}
    changed = True
    while changed:
        changed = False
        for m in candidates:
            if m not in paths and (p := _owner_fk(m, paths)):
                paths[m] = p
                changed = True
    ordered: list[type] = []
    pending = sorted(paths, key=lambda m: m._meta.label_lower)
    while pending:
        for m in pending:
            deps = {
                f.related_model
                for f in m._meta.concrete_fields
                if f.is_relation and f.related_model in paths and f.related_model is not m
            }
            if deps <= set(ordered):
                ordered.append(m)
                pending.remove(m)
                break
        else:  # a cycle between two models: keep going in name order; its nullable side is filled later
            ordered.append(pending.pop(0))
    return tuple(Owned(m, paths[m]) for m in ordered)


@cache
def _owned_set() -> frozenset[type]:
    return frozenset(o.model for o in owned_models())


def _is_owned(model: type) -> bool:
    return model in _owned_set()


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, with times cut to the milliseconds it prints before they are printed: a time
    of 12:00:05.000400 printed as "12:00:05.000" would come back as 12:00:05 and be printed "12:00:05"
    by the next export, so export → import → export would not give the same bundle."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time) and o.microsecond % 1000:
            o = o.replace(microsecond=o.microsecond // 1000 * 1000)
        return super().default(o)


def dumps(value: Any, depth: int = 0) -> str:
    """bundle.json: keys sorted, one record (or file, or event) a line, so it reads and diffs
    line by line; each line is written by the C encoder (an indented dump is pure Python and
    the slowest part of a large export)."""
    encode = _Encoder(ensure_ascii=False, sort_keys=True).encode
    if depth < 2 and isinstance(value, dict) and value:
        inner = ",\n".join(f"{encode(k)}: {dumps(value[k], depth + 1)}" for k in sorted(value))
        return "{\n" + inner + "\n}"
    if depth < 3 and isinstance(value, list) and value and isinstance(value[0], dict):
        return "[\n" + ",\n".join(encode(v) for v in value) + "\n]"
    return encode(value)


# --- export -------------------------------------------------------------------------------------


@dataclass
class _Export:
    """Encodes the bundle's rows. `load` fetches, for every model, the rows each foreign key and each
    many-to-many link points to outside the bundle (people, accounts, divisions …) with one query per
    target model, and each many-to-many field's links with one query: the export runs the same
    number of queries whatever the number of records."""

    meeting: Meeting
    refs: dict[tuple[str, int], str] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes, Any]] = field(default_factory=dict)  # sha256 → (name, content, when)
    people: dict[int, Person] = field(default_factory=dict)
    targets: dict[type, dict[Any, models.Model]] = field(default_factory=dict)  # model → pk → row
    links: dict[tuple[str, str], dict[Any, list]] = field(default_factory=dict)  # (label, m2m) → pk → target pks

    def load(self, rows: dict[str, list[models.Model]]) -> None:
        wanted: dict[type, set] = {}
        for owned in owned_models():
            objs = rows.get(owned.label)
            if not objs:
                continue
            for f in owned.model._meta.concrete_fields:
                if f.is_relation and not _is_owned(f.related_model):
                    ids = {getattr(obj, f.attname) for obj in objs} - {None}
                    if ids:
                        wanted.setdefault(f.related_model, set()).update(ids)
            for f in owned.model._meta.many_to_many:
                through = f.remote_field.through
                source, target = f.m2m_field_name(), f.m2m_reverse_field_name()
                pairs = through.objects.filter(**{f"{source}__{owned.path}": self.meeting}).values_list(
                    f"{source}_id", f"{target}_id"
                )
                by_row: dict[Any, list] = {}
                for own, other in sorted(pairs, key=lambda pair: pair[1]):
                    by_row.setdefault(own, []).append(other)
                    if not _is_owned(f.related_model):
                        wanted.setdefault(f.related_model, set()).add(other)
                self.links[(owned.label, f.name)] = by_row
        for model, ids in wanted.items():
            self.targets[model] = model._default_manager.in_bulk(sorted(ids))

    def person_key(self, person: Person) -> str:
        self.people[person.pk] = person
        return person.name

    def encode_target(self, target: type[models.Model], pk: Any) -> Any:
        """A row outside the bundle by its natural key."""
        related = self.targets[target][pk]
        if target is Meeting:
            return str(related.uid)
        if target is get_user_model():
            return related.get_username()
        if target is Person:
            return self.person_key(related)
        if target in (Division, PartyBranch):
            return related.name
        if target is Aspect:
            return related.order
        if target is Organization:
            return related.name
        if target is YearConfig:
            return related.preset_code or related.name
        raise TypeError(f"bundle: no encoding for a foreign key to {target._meta.label}")

    def encode_fk(self, f: models.Field, obj: models.Model) -> Any:
        target_id = getattr(obj, f.attname)
        if target_id is None:
            return None
        target = f.related_model
        if _is_owned(target):
            return self.refs.get((target._meta.label_lower, target_id))  # outside this meeting: dropped
        return self.encode_target(target, target_id)

    def encode_file(self, value: models.fields.files.FieldFile, when: Any) -> Any:
        if not value:
            return None
        with value.open("rb") as fh:
            content = fh.read()
        digest = hashlib.sha256(content).hexdigest()
        name = value.name.rsplit("/", 1)[-1]
        self.files[digest] = (name, content, when)
        return {"sha256": digest, "name": name}

    def encode_row(self, obj: models.Model) -> dict:
        fields: dict[str, Any] = {}
        m2m: dict[str, list] = {}
        label = obj._meta.label_lower
        for f in obj._meta.concrete_fields:
            if f.primary_key:
                continue
            if f.is_relation:
                fields[f.name] = self.encode_fk(f, obj)
            elif isinstance(f, models.FileField):
                fields[f.name] = self.encode_file(getattr(obj, f.name), row_time(obj))
            else:
                fields[f.name] = f.value_from_object(obj)
        for f in obj._meta.many_to_many:
            target = f.related_model
            values = []
            for pk in self.links[(label, f.name)].get(obj.pk, []):
                if _is_owned(target):
                    ref = self.refs.get((target._meta.label_lower, pk))
                    if ref:
                        values.append(ref)
                elif target in (Person, Division, PartyBranch, get_user_model()):
                    values.append(self.encode_target(target, pk))
                else:
                    raise TypeError(f"bundle: no encoding for a many-to-many to {target._meta.label}")
            m2m[f.name] = values
        return {"fields": fields, "m2m": m2m} if m2m else {"fields": fields}


def row_time(obj: models.Model) -> dt.datetime | None:
    """When a row was made, for the date of its file in a zip: its first date-time field that has a
    value (uploaded_at, created_at …)."""
    for f in obj._meta.concrete_fields:
        if isinstance(f, models.DateTimeField) and (value := getattr(obj, f.attname)) is not None:
            return value
    return None


def _aware(when: dt.datetime) -> dt.datetime:
    return timezone.make_aware(when) if timezone.is_naive(when) else when


def zip_info(name: str, when: dt.datetime | dt.date | None) -> zipfile.ZipInfo:
    """A zip entry dated in local time (zip dates have no zone; 1980 is the earliest they hold)."""
    if isinstance(when, dt.datetime):
        when = timezone.localtime(when) if timezone.is_aware(when) else when
    elif isinstance(when, dt.date):
        when = dt.datetime.combine(when, dt.time())
    else:
        when = timezone.localtime()
    info = zipfile.ZipInfo(name, max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0)))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


HISTORY_FIELDS = ("event_type", "event_time", "actor_name", "actor_role", "object_repr", "changes", "extra")
LOCAL_EVENTS = {"bundle.imported"}  # what happened to this copy, not to the meeting


def _history_events(meeting: Meeting, refs: dict[tuple[str, int], str]):
    """This deployment's audit events of the meeting and of every record in the bundle, oldest
    first, each with the ref of its object ("meeting" for the meeting itself)."""
    by_type: dict[int, tuple[str, dict[int, str]]] = {}
    for (label, pk), ref in refs.items():
        ct = ContentType.objects.get_for_model(apps.get_model(label))
        by_type.setdefault(ct.pk, (label, {}))[1][pk] = ref
    ct_meeting = ContentType.objects.get_for_model(Meeting)
    query = models.Q(content_type=ct_meeting, object_id=meeting.pk)
    for ct_id, (_, ids) in by_type.items():
        query |= models.Q(content_type_id=ct_id, object_id__in=list(ids))
    for event in AuditEvent.objects.filter(query).exclude(event_type__in=LOCAL_EVENTS).order_by("event_time", "pk"):
        if event.content_type_id == ct_meeting.pk:
            yield event, "meeting"
        else:
            yield event, by_type[event.content_type_id][1][event.object_id]


def _imported_events(meeting: Meeting, refs: dict[tuple[str, int], str]):
    """The history an earlier bundle brought, in its order, each with its object's ref now (an
    event whose record is gone is left out, like this deployment's own)."""
    ct_meeting = ContentType.objects.get_for_model(Meeting)
    for event in ImportedEvent.objects.filter(meeting=meeting).select_related("content_type"):
        if event.content_type_id == ct_meeting.pk and event.object_id == meeting.pk:
            yield event, "meeting"
        elif event.content_type_id is not None:
            ref = refs.get((event.content_type.app_label + "." + event.content_type.model, event.object_id))
            if ref:
                yield event, ref


def _export_history(meeting: Meeting, refs: dict[tuple[str, int], str]) -> list[dict]:
    """The other deployments' history first (as imported), then this deployment's own. Each actor
    is a name and a role: accounts do not travel."""
    events = [*_imported_events(meeting, refs), *_history_events(meeting, refs)]
    return [{"object": ref, **{k: getattr(event, k) for k in HISTORY_FIELDS}} for event, ref in events]


def _withheld_opinions(meeting: Meeting) -> dict[int, tuple[int, int | None]]:
    """Online opinions nobody is shown (campaign open, target under the threshold): id → (campaign
    id, target id). They leave as counts only."""
    from mingjing.opinions.models import Campaign, Opinion
    from mingjing.opinions.selectors import visible_opinions

    campaigns = list(Campaign.objects.filter(meeting=meeting))
    if not campaigns:
        return {}
    shown = set(visible_opinions(campaigns=campaigns).values_list("pk", flat=True))
    online = Opinion.objects.filter(campaign__in=campaigns, from_public_form=True)
    return {pk: (c, t) for pk, c, t in online.values_list("pk", "campaign_id", "target_id") if pk not in shown}


def _export_withheld(meeting: Meeting, hidden: dict[int, tuple[int, int | None]], refs: dict) -> list[dict]:
    counts: Counter[tuple[int, int | None]] = Counter(hidden.values())
    for row in WithheldOpinions.objects.filter(meeting=meeting):
        counts[(row.campaign_id, row.target_id)] += row.count
    out = []
    for (campaign_id, target_id), n in counts.items():
        campaign = refs.get((CAMPAIGN, campaign_id))
        target = refs.get((ROSTER, target_id)) if target_id else None
        if campaign and n and (target_id is None or target):
            out.append({"campaign": campaign, "target": target, "count": n})
    return sorted(out, key=lambda w: (_ref_key(w["campaign"]), _ref_key(w["target"] or "")))


def _ref_key(ref: str) -> tuple[str, int]:
    label, _, n = ref.partition(":")
    return label, int(n or 0)


def _hidden_row(obj: models.Model, label: str, hidden: dict[int, Any]) -> bool:
    """A hidden online opinion, or a row that hangs on one."""
    if label == OPINION:
        return obj.pk in hidden
    return any(
        f.related_model._meta.label_lower == OPINION and getattr(obj, f.attname) in hidden
        for f in obj._meta.concrete_fields
        if f.is_relation and f.related_model is not None
    )


def export_bundle(*, meeting: Meeting) -> bytes:
    """The meeting as a zip: bundle.json and files/<sha256>."""
    exp = _Export(meeting)
    hidden = _withheld_opinions(meeting)
    rows: dict[str, list[models.Model]] = {}
    for owned in owned_models():
        objs = list(owned.model.objects.filter(**{owned.path: meeting}).order_by("pk"))
        if hidden:
            objs = [o for o in objs if not _hidden_row(o, owned.label, hidden)]
        rows[owned.label] = objs
        for n, obj in enumerate(objs, start=1):
            exp.refs[(owned.label, obj.pk)] = f"{owned.label}:{n}"
    exp.load(rows)
    records = {}
    for label, objs in rows.items():
        if objs:
            records[label] = [{"ref": exp.refs[(label, o.pk)], **exp.encode_row(o)} for o in objs]
    unit = meeting.organization
    chain = list(Organization.objects.filter(pk__in=unit.ancestor_ids).order_by("path")) + [unit]
    config = meeting.config
    data = {
        "format": FORMAT,
        "version": VERSION,
        "unit": {
            "chain": [{k: getattr(u, k) for k in UNIT_FIELDS} for u in chain],
            "divisions": [{"name": d.name, "order": d.order} for d in unit.divisions.order_by("order", "pk")],
            "branches": [{"name": b.name, "order": b.order} for b in unit.branches.order_by("order", "pk")],
            "people": [
                {k: getattr(p, k) for k in PERSON_FIELDS} for p in sorted(exp.people.values(), key=lambda p: p.pk)
            ],
        },
        "config": {
            "preset_code": config.preset_code,
            "fields": {k: getattr(config, k) for k in CONFIG_FIELDS},
            "aspects": [
                {"order": a.order, "title": a.title, "text": a.text, "retired": a.retired} for a in config.aspects.all()
            ],
        },
        "meeting": {
            "uid": str(meeting.uid),
            "previous_uid": str(meeting.previous.uid) if meeting.previous_id else None,
            "fields": {k: getattr(meeting, k) for k in MEETING_FIELDS if hasattr(meeting, k)},
        },
        "records": records,
        "withheld_opinions": _export_withheld(meeting, hidden, exp.refs),
        "history": _export_history(meeting, exp.refs),
        "files": [{"sha256": h, "size": len(c), "name": n} for h, (n, c, _) in sorted(exp.files.items())],
    }
    # Dated as what it holds: the JSON by the latest event of its history, each file by its row.
    written = max([meeting.created_at, *(event["event_time"] for event in data["history"])], key=_aware)
    text = dumps(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zip_info(BUNDLE_JSON, written), text.encode("utf-8"))
        for digest, (_, content, when) in sorted(exp.files.items()):
            zf.writestr(zip_info(f"files/{digest}", when or written), content)
    return buffer.getvalue()


# --- import -------------------------------------------------------------------------------------


def read_bundle(content: bytes) -> tuple[dict, dict[str, bytes]]:
    """Open and validate a bundle; BundleError names the JSON path of every problem."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(content))
        data = json.loads(zf.read(BUNDLE_JSON).decode("utf-8"))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        raise BundleError(["$：不是有效的会议数据包（应为包含 bundle.json 的 zip 文件）"]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError([f"$：bundle.json 不是有效的 JSON（{exc}）"]) from None
    errors = validate(data, bundle_schema())
    if errors:
        raise BundleError(errors)
    files: dict[str, bytes] = {}
    for i, entry in enumerate(data["files"]):
        path = path_join(path_join("$.files", i), "sha256")
        try:
            blob = zf.read(f"files/{entry['sha256']}")
        except (KeyError, OSError, zipfile.BadZipFile):
            errors.append(f"{path}：数据包中缺少该文件")
            continue
        if hashlib.sha256(blob).hexdigest() != entry["sha256"]:
            errors.append(f"{path}：文件内容与校验值不符")
        files[entry["sha256"]] = blob
    labels = {o.label for o in owned_models()}
    for label, rows in data["records"].items():
        if label not in labels:
            errors.append(f"{path_join('$.records', label)}：本系统没有这类记录")
            continue
        for i, row in enumerate(rows):
            if row["ref"].partition(":")[0] != label:
                errors.append(
                    f"{path_join(path_join(path_join('$.records', label), i), 'ref')}：编号应以“{label}:”开头"
                )
    for i, row in enumerate(data.get("history", [])):
        if row["event_type"] not in EVENT_PHRASES:
            errors.append(f"{path_join(path_join('$.history', i), 'event_type')}：未知的事件类型“{row['event_type']}”")
    if errors:
        raise BundleError(errors)
    return data, files


@dataclass
class ImportResult:
    meeting: Meeting
    created: bool
    copy: bool
    counts: dict[str, int]
    warnings: list[str]

    @property
    def mode(self) -> str:
        return ("新建" if self.created else "更新") + ("只读副本" if self.copy else "")


def bundle_unit(data: dict) -> Organization | None:
    """The bundle's unit here, or its nearest ancestor already here (who may import is decided
    against it)."""
    for spec in reversed(data["unit"]["chain"]):
        org = Organization.objects.filter(name=spec["name"]).first()
        if org is not None:
            return org
    return None


SAFE_EXT = re.compile(r"^[a-z0-9]{1,8}$")


def storage_name(obj: models.Model, f: models.FileField, digest: str, name: str) -> str:
    """Where a file is kept: a name derived from its SHA-256, so the same content is stored once and
    a name never holds two contents."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    ext = ext if SAFE_EXT.match(ext) else "bin"
    if callable(f.upload_to):  # e.g. materials/<aa>/<sha256>.docx, from the row's own sha256
        try:
            generated = f.generate_filename(obj, f"{digest}.{ext}")
        except Exception:  # noqa: BLE001 — a field the row lacks: fall back to the plain layout
            generated = ""
        if digest in generated:
            return generated
        root = f.model._meta.app_label
    else:
        root = str(f.upload_to).strip("/") or f.model._meta.app_label
    return f"{root}/{digest[:2]}/{digest}.{ext}"


class _Importer:
    def __init__(self, data: dict, files: dict[str, bytes], actor: Any, *, mode: str, exempt: set[int], written: list):
        self.data, self.files, self.actor, self.mode = data, files, actor, mode
        self.exempt, self.written = exempt, written
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.objs: dict[str, models.Model] = {}
        self.pending_files: dict[str, tuple[Any, bytes]] = {}  # storage name → (storage, content)

    def unit(self) -> Organization:
        parent = None
        for i, spec in enumerate(self.data["unit"]["chain"]):
            org = Organization.objects.filter(name=spec["name"]).first()
            if org is None:
                if parent is None and i > 0:
                    raise BundleError([f"$.unit.chain[{i}]：上级单位不存在"])
                try:
                    org = organization_create(
                        actor=self.actor, parent=parent, **{k: spec.get(k, "") for k in UNIT_FIELDS}
                    )
                except ValidationError as exc:
                    raise BundleError(
                        [f"$.unit.chain[{i}].{k}：{'；'.join(v)}" for k, v in exc.message_dict.items()]
                    ) from None
            parent = org
        if parent is None:
            raise BundleError(["$.unit.chain：缺少单位"])
        self.org = parent
        for key, model, create in (("divisions", Division, division_create), ("branches", PartyBranch, branch_create)):
            for spec in self.data["unit"][key]:
                if not model.objects.filter(organization=parent, name=spec["name"]).exists():
                    create(actor=self.actor, organization=parent, name=spec["name"], order=spec.get("order", 0))
        self.divisions = {d.name: d for d in parent.divisions.all()}
        self.branches = {b.name: b for b in parent.branches.all()}
        for spec in self.data["unit"]["people"]:
            if not Person.objects.filter(organization=parent, name=spec["name"]).exists():
                fields = {k: v for k, v in spec.items() if k in PERSON_FIELDS}
                person_create(actor=self.actor, organization=parent, audit=False, **fields)
        self.people = {p.name: p for p in Person.objects.filter(organization=parent).order_by("-is_active", "pk")}
        return parent

    def config(self) -> YearConfig:
        spec = self.data["config"]
        if spec["preset_code"]:
            config = YearConfig.objects.filter(preset_code=spec["preset_code"]).first()
            if config is None:
                raise BundleError([f"$.config.preset_code：本系统没有预置配置“{spec['preset_code']}”"])
        else:
            fields = {k: v for k, v in spec["fields"].items() if k in CONFIG_FIELDS}
            config = YearConfig.objects.filter(
                organization=self.org, year=fields.get("year"), name=fields.get("name")
            ).first()
            if config is None:
                config = YearConfig(organization=self.org, **fields)
                try:
                    config.full_clean()
                except ValidationError as exc:
                    errors = [f"$.config.fields.{k}：{'；'.join(v)}" for k, v in exc.message_dict.items()]
                    raise BundleError(errors) from None
                config.save()
                for a in spec["aspects"]:
                    Aspect.objects.create(
                        config=config,
                        order=a["order"],
                        title=a["title"],
                        text=a.get("text", ""),
                        retired=a.get("retired", False),
                    )
        self.config_obj = config
        self.aspects = {a.order: a for a in config.aspects.all()}
        return config

    def meeting(self) -> tuple[Meeting, bool]:
        """A new meeting (live, or a read-only copy), or the copy a newer bundle refreshes. The
        archive state of a meeting already here is never changed by an import."""
        spec = self.data["meeting"]
        meeting = Meeting.objects.filter(uid=spec["uid"]).first()
        created = meeting is None
        if meeting is None:
            meeting = Meeting(uid=spec["uid"], is_copy=self.mode == COPY)
        elif not meeting.is_copy:  # the policy refuses it before; never overwrite a live meeting
            raise BundleError(["$.meeting.uid：本系统中已有该民主生活会的在用记录，不能用数据包覆盖"])
        elif meeting.organization_id != self.org.pk:
            raise BundleError(["$.meeting.uid：该会议已属于另一个单位"])
        archived_on = meeting.archived_on
        meeting.organization, meeting.config = self.org, self.config_obj
        for name in MEETING_FIELDS:
            if name in spec["fields"] and hasattr(meeting, name):
                setattr(meeting, name, self.to_python(Meeting._meta.get_field(name), spec["fields"][name], "$.meeting"))
        if not created:
            meeting.archived_on = archived_on
        meeting.previous = self.previous(meeting, spec.get("previous_uid"))
        if self.errors:
            raise BundleError(self.errors)
        meeting.save()
        self.exempt.add(meeting.pk)
        auto = {f: spec["fields"][f] for f in ("created_at",) if f in spec["fields"]}
        if auto:
            Meeting.objects.filter(pk=meeting.pk).update(
                **{k: self.to_python(Meeting._meta.get_field(k), v, "$.meeting") for k, v in auto.items()}
            )
        meeting.refresh_from_db()
        self.meeting_obj = meeting
        return meeting, created

    def previous(self, meeting: Meeting, uid: str | None) -> Meeting | None:
        """Last year's meeting: kept when it is here, and only within the same unit (the carry-over
        of rectification items follows this link)."""
        if not uid:
            return None
        previous = Meeting.objects.filter(uid=uid).first()
        if previous is None:
            self.warnings.append("$.meeting.previous_uid：上年度会议不在本系统中，未关联（请先导入上年度的数据包）")
            return None
        if previous.organization_id != self.org.pk or previous.uid == meeting.uid:
            self.errors.append("$.meeting.previous_uid：上年度会议属于另一个单位，不能关联")
            return None
        return previous

    def to_python(self, f: models.Field, value: Any, path: str) -> Any:
        try:
            return f.to_python(value)
        except ValidationError as exc:
            self.errors.append(f"{path_join(path, f.name)}：{'；'.join(exc.messages)}")
            return None

    def decode_fk(self, f: models.Field, value: Any, path: str) -> Any:
        if value is None:
            return None
        target = f.related_model
        found: Any
        if not isinstance(value, str | int) or isinstance(value, bool):
            self.errors.append(f"{path}：应为编号或名称")
            return None
        if _is_owned(target):
            found = self.objs.get(value) if isinstance(value, str) else None
            if found is not None and not isinstance(found, target):
                found = None
        elif target is Meeting:  # a record belongs to the bundle's own meeting, never to another one
            found = self.meeting_obj if str(value) == self.data["meeting"]["uid"] else None
        elif target is get_user_model():
            found = get_user_model().objects.filter(username=value).first()
            if found is None:
                self.warnings.append(f"{path}：本系统没有账号“{value}”，已留空")
                return None
        elif target is Person:
            found = self.people.get(value)
        elif target is Division:
            found = self.divisions.get(value)
        elif target is PartyBranch:
            found = self.branches.get(value)
        elif target is Aspect:
            found = self.aspects.get(value)
        elif target is Organization:
            found = Organization.objects.filter(name=value).first()
        elif target is YearConfig:
            found = self.config_obj
        else:
            found = None
        if found is None:
            self.errors.append(f"{path}：找不到所指的“{value}”")
        return found

    def replace_records(self, meeting: Meeting) -> None:
        """A copy refreshed from a newer bundle: its records, imported history and withheld counts
        give way to the bundle's. This deployment's own audit events are not touched."""
        ImportedEvent.objects.filter(meeting=meeting).delete()
        WithheldOpinions.objects.filter(meeting=meeting).delete()
        for owned in reversed(owned_models()):
            owned.model.objects.filter(**{owned.path: meeting}).delete()

    def create_history(self) -> int:
        """The bundle's history as the imported record of the other deployment."""
        events = []
        for i, row in enumerate(self.data.get("history", [])):
            path = path_join("$.history", i)
            target = self.meeting_obj if row["object"] == "meeting" else self.objs.get(row["object"])
            if target is None:
                self.errors.append(f"{path_join(path, 'object')}：找不到所指的“{row['object']}”")
                continue
            when = self.to_python(ImportedEvent._meta.get_field("event_time"), row["event_time"], path)
            if when is None:
                if not any(e.startswith(path_join(path, "event_time")) for e in self.errors):
                    self.errors.append(f"{path_join(path, 'event_time')}：时间格式不正确")
                continue
            events.append(
                ImportedEvent(
                    meeting=self.meeting_obj,
                    position=i,
                    content_type=ContentType.objects.get_for_model(type(target)),
                    object_id=target.pk,
                    object_ref=row["object"],
                    event_type=row["event_type"],
                    event_time=when,
                    actor_name=row["actor_name"],
                    actor_role=row.get("actor_role", ""),
                    object_repr=row.get("object_repr", ""),
                    changes=row.get("changes", []),
                    extra=row.get("extra", {}),
                )
            )
        if not self.errors:
            ImportedEvent.objects.bulk_create(events)
        return len(events)

    def create_withheld(self) -> int:
        rows = []
        for i, spec in enumerate(self.data.get("withheld_opinions", [])):
            path = path_join("$.withheld_opinions", i)
            campaign = self.objs.get(spec["campaign"])
            if campaign is None or campaign._meta.label_lower != CAMPAIGN:
                self.errors.append(f"{path_join(path, 'campaign')}：找不到所指的“{spec['campaign']}”")
                continue
            target = None
            if spec.get("target"):
                target = self.objs.get(spec["target"])
                if target is None or target._meta.label_lower != ROSTER:
                    self.errors.append(f"{path_join(path, 'target')}：找不到所指的“{spec['target']}”")
                    continue
            rows.append(
                WithheldOpinions(meeting=self.meeting_obj, campaign=campaign, target=target, count=spec["count"])
            )
        if not self.errors:
            WithheldOpinions.objects.bulk_create(rows)
        return sum(r.count for r in rows)

    def create_records(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        later: list[tuple[models.Model, str, Any, str]] = []
        m2m_later: list[tuple[models.Model, models.Field, list, str]] = []
        for owned in owned_models():
            rows = self.data["records"].get(owned.label, [])
            for i, row in enumerate(rows):
                path = path_join(path_join("$.records", owned.label), i)
                if row["ref"] in self.objs:
                    self.errors.append(f"{path_join(path, 'ref')}：编号“{row['ref']}”重复")
                    continue
                obj = owned.model()
                auto: dict[str, Any] = {}
                file_fields: list[tuple[models.FileField, Any, str]] = []
                for name, value in row["fields"].items():
                    fpath = path_join(path_join(path, "fields"), name)
                    try:
                        f = owned.model._meta.get_field(name)
                    except Exception:  # noqa: BLE001 — FieldDoesNotExist, and names that are no field
                        self.errors.append(f"{fpath}：没有这个字段")
                        continue
                    if not getattr(f, "concrete", False) or f.many_to_many or f.primary_key:
                        self.errors.append(f"{fpath}：没有这个字段")
                    elif f.is_relation and f.related_model is owned.model:
                        later.append((obj, f.name, value, fpath))
                    elif f.is_relation:
                        setattr(obj, f.name, self.decode_fk(f, value, fpath))
                    elif isinstance(f, models.FileField):
                        file_fields.append((f, value, fpath))
                    else:
                        python = self.to_python(f, value, path_join(path, "fields"))
                        setattr(obj, f.attname, python)
                        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                            auto[f.attname] = python
                for f, value, fpath in file_fields:  # after the other fields: a name may derive from them
                    self.attach_file(obj, f, value, fpath)
                for name, values in row.get("m2m", {}).items():
                    mpath = path_join(path_join(path, "m2m"), name)
                    try:
                        f = owned.model._meta.get_field(name)
                    except Exception:  # noqa: BLE001
                        self.errors.append(f"{mpath}：没有这个字段")
                        continue
                    if not f.many_to_many or not isinstance(values, list):
                        self.errors.append(f"{mpath}：没有这个字段")
                        continue
                    m2m_later.append((obj, f, values, mpath))
                if self.errors:  # nothing more is saved; the ref still resolves, so later rows report their own errors
                    self.objs.setdefault(row["ref"], obj)
                    continue
                missing_user = next(
                    (
                        f
                        for f in owned.model._meta.concrete_fields
                        if f.is_relation
                        and f.related_model is get_user_model()
                        and not f.null
                        and getattr(obj, f.attname) is None
                    ),
                    None,
                )
                if missing_user is not None:  # e.g. a 督导组 assignment to an account this system lacks
                    self.warnings.append(f"{path}：因缺少账号未导入此条")
                    continue
                if not self.save(obj, path):
                    continue
                if auto:
                    owned.model.objects.filter(pk=obj.pk).update(**auto)
                self.objs[row["ref"]] = obj
            counts[owned.label] = len(rows)
        if self.errors:
            return {}
        for obj, name, value, path in later:
            if obj.pk is None:  # left out (a missing account)
                continue
            target = self.objs.get(value) if isinstance(value, str) and value else None
            if value and (target is None or not isinstance(target, type(obj))):
                self.errors.append(f"{path}：找不到所指的“{value}”")
                continue
            setattr(obj, name, target)
            self.save(obj, path, update_fields=[name])
        for obj, f, values, path in m2m_later:
            targets = [self.decode_fk(f, v, f"{path}[{j}]") for j, v in enumerate(values)]
            if not self.errors and obj.pk is not None:
                getattr(obj, f.name).set(targets)
        return {k: v for k, v in counts.items() if v}

    def save(self, obj: models.Model, path: str, **kwargs: Any) -> bool:
        """Save one row; a row the database refuses (a duplicate, a missing value) becomes an error
        naming its path, not a 500."""
        try:
            with transaction.atomic():
                obj.save(**kwargs)
        except (IntegrityError, DataError, ValueError, TypeError) as exc:
            reason = "与其他记录重复" if isinstance(exc, IntegrityError) else "内容不完整或格式不正确"
            self.errors.append(f"{path}：无法导入此条（{reason}）")
            return False
        return True

    def attach_file(self, obj: models.Model, f: models.FileField, value: Any, path: str) -> None:
        """Point the row at its file's storage name; the file itself is written only once the whole
        bundle has been checked (write_files)."""
        if not value:
            return
        if not isinstance(value, dict) or not isinstance(value.get("sha256"), str):
            self.errors.append(f"{path}：应为文件的校验值和名称")
            return
        digest = value["sha256"]
        content = self.files.get(digest)
        if content is None:
            self.errors.append(f"{path}：数据包中缺少该文件")
            return
        name = storage_name(obj, f, digest, str(value.get("name") or ""))
        if len(name) > f.max_length:
            self.errors.append(f"{path}：文件名过长")
            return
        setattr(obj, f.attname, name)
        self.pending_files[name] = (f.storage, content)

    def write_files(self) -> None:
        """Each file once: a name already stored holds the same content (the name is its hash)."""
        for name, (storage, content) in sorted(self.pending_files.items()):
            if storage.exists(name):
                continue
            saved = storage.save(name, ContentFile(content))
            self.written.append((storage, saved))
            if saved != name:
                raise BundleError([f"$.files：文件“{name}”未能按校验值保存"])


def import_bundle_data(
    *, data: dict, files: dict[str, bytes], actor: Any, mode: str, exempt: set[int], written: list
) -> ImportResult:
    """Load a validated bundle as `mode` (the policy's answer); call inside a transaction and inside
    `unguarded()` (services.bundle_import does). `exempt` receives the meeting's id; `written`
    receives every file this import stored, so the caller can remove them if the transaction
    rolls back."""
    imp = _Importer(data, files, actor, mode=mode, exempt=exempt, written=written)
    imp.unit()
    imp.config()
    meeting, created = imp.meeting()
    if not created:
        imp.replace_records(meeting)
    counts = imp.create_records()
    if not imp.errors:
        counts["history"] = imp.create_history()
    if not imp.errors:
        withheld = imp.create_withheld()
        if withheld:
            imp.warnings.append(f"数据包中有{withheld}条未公开的网上匿名意见，只含条数，不含内容")
    if imp.errors:
        raise BundleError(imp.errors)
    imp.write_files()
    return ImportResult(meeting=meeting, created=created, copy=meeting.is_copy, counts=counts, warnings=imp.warnings)


def iter_bundle_files(content: bytes) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for name in zf.namelist():
            yield name, zf.read(name)
