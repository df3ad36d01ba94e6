"""The 查重 index in the database, and the report of one material version.

`index_version` runs when a version is saved (signals.py); `rebuild` recreates everything
(`mingjing originality --rebuild`). `build_report` finds the candidates through the LSH band keys,
verifies them exactly and works out the 复制比; who may see which source text is decided by the
policy (`mingjing.originality.selectors`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mingjing.lib import lookups  # noqa: F401 - registers __in_ints
from mingjing.lib.shapes import prepared_query
from mingjing.materials.models import Kind, Material, MaterialVersion
from mingjing.materials.selectors import current_version_of
from mingjing.organizations.models import Organization, Person
from mingjing.originality import engine
from mingjing.originality.models import BandKey, Paragraph, Result, ShingleCount, TemplateText
from mingjing.yearconfigs.selectors import aspect_titles_and_texts

CHUNK = 900  # rows per INSERT (SQLite's variable limit, with room)


def thresholds() -> tuple[float, float]:
    return (
        float(getattr(settings, "MINGJING_ORIGINALITY_SUSPECT", 0.5)),
        float(getattr(settings, "MINGJING_ORIGINALITY_HIGH", 0.7)),
    )


def boilerplate_min() -> int:
    """A shingle in at least this many materials is boilerplate (fixed phrases, headings)."""
    return int(getattr(settings, "MINGJING_ORIGINALITY_BOILERPLATE", 10))


# The fixed sentences of 明镜's own skeleton (materials.skeleton): every generated draft has them.
SKELETON_PHRASES = (
    "的部署要求，本人围绕",
    "的部署要求，领导班子围绕",
    "这一主题，会前开展学习研讨",
    "次、开展谈心谈话",
    "人次，广泛征求意见",
    "的重点方面，认真检视查摆问题，深刻剖析根源，明确努力方向。现将有关情况报告如下。",
    "（典型案例名称），以案为鉴、以案促改，剖析本人在",
    "（典型案例名称），以案为鉴、以案促改，剖析班子在",
    "方面存在的差距。",
    "（具体事例）",
    "针对上年度本人查摆问题确定的",
    "项整改事项，已整改完成",
    "，目前已完成。整改成效：",
    "：请归入本年度的重点方面）",
)


# The report's reads, compiled once per process (lib/shapes.py): a review page shows a report each time.
_UNIT_NAMES = prepared_query(lambda: Organization.objects.order_by().values_list("name", "short_name"))
_PEOPLE_NAMES = prepared_query(
    lambda organization_id: Person.objects.filter(organization_id=organization_id).values_list("name", flat=True)
)


def _roster_names_query(organization_id: int) -> Any:
    from mingjing.meetings.models import RosterEntry

    return RosterEntry.objects.filter(meeting__organization_id=organization_id).values_list("name", flat=True)


_ROSTER_NAMES = prepared_query(_roster_names_query)
_CANDIDATES = prepared_query(  # paragraphs of other materials sharing a band key
    lambda key_ids, material_id: (
        BandKey.objects.filter(key__in_ints=key_ids, paragraph__current=True)
        .exclude(paragraph__material_id=material_id)
        .values_list("paragraph_id", "key")
    )
)
_SOURCES = prepared_query(
    lambda paragraph_ids: Paragraph.objects.filter(pk__in_ints=paragraph_ids).select_related(
        "template", "material__meeting__config", "material__meeting__organization", "material__owner"
    )
)
_BOILERPLATE = prepared_query(
    lambda hash_ids, at_least: ShingleCount.objects.filter(hash__in_ints=hash_ids, materials__gte=at_least).values_list(
        "hash", flat=True
    )
)


class Masks:
    """Names (a unit's people) and units (every unit's names) to mask, read once per use."""

    def __init__(self) -> None:
        self._units: tuple[str, ...] | None = None
        self._names: dict[int | None, tuple[str, ...]] = {}
        self._excluded: dict[int, frozenset[int]] = {}

    @property
    def units(self) -> tuple[str, ...]:
        if self._units is None:
            self._units = engine.mask_terms(v for pair in _UNIT_NAMES() for v in pair if v)
        return self._units

    def names(self, organization_id: int | None) -> tuple[str, ...]:
        if organization_id not in self._names:
            people = []
            if organization_id is not None:
                people = _PEOPLE_NAMES(organization_id=organization_id) + _ROSTER_NAMES(organization_id=organization_id)
            self._names[organization_id] = engine.mask_terms(people)
        return self._names[organization_id]

    def excluded(self, config: Any) -> frozenset[int]:
        """The year's theme and name, the aspects' titles and texts, the skeleton's fixed sentences."""
        if config is None:
            return frozenset()
        if config.pk not in self._excluded:
            texts = [config.theme or "", config.name, *SKELETON_PHRASES]
            for title, text in aspect_titles_and_texts(config):
                texts += [title, text]
            self._excluded[config.pk] = engine.excluded_shingles(texts, units=self.units)
        return self._excluded[config.pk]


def _material_paragraphs(material: Material, text: str, masks: Masks) -> list[engine.Paragraph]:
    meeting = material.meeting
    return engine.paragraphs(
        text,
        names=masks.names(meeting.organization_id),
        units=masks.units,
        excluded=masks.excluded(meeting.config),
    )


def _store(paragraphs: list[engine.Paragraph], **fields: Any) -> set[int]:
    """Write the comparable paragraphs and their band keys; the set of their shingles."""
    rows, keys, found = [], [], set()
    for p in paragraphs:
        if not p.comparable:
            continue
        sig = engine.signature(p.kept)
        rows.append(
            Paragraph(line=p.index, raw=p.raw, norm=p.norm.text, signature=engine.signature_bytes(sig), **fields)
        )
        keys.append(engine.band_keys(sig))
        found.update(p.hashes)
    Paragraph.objects.bulk_create(rows)
    BandKey.objects.bulk_create(
        [BandKey(key=k, paragraph_id=row.pk) for row, ks in zip(rows, keys, strict=True) for k in ks]
    )
    return found


def _current_shingles(material_id: int) -> set[int]:
    found: set[int] = set()
    for norm in Paragraph.objects.filter(material_id=material_id, current=True).values_list("norm", flat=True):
        found.update(engine.shingles(norm))
    return found


def _count(added: Iterable[int], removed: Iterable[int]) -> None:
    added, removed = set(added), set(removed)
    if removed:
        ShingleCount.objects.filter(hash__in_ints=removed).update(materials=F("materials") - 1)
    if added:
        existing = set(ShingleCount.objects.filter(hash__in_ints=added).values_list("hash", flat=True))
        ShingleCount.objects.filter(hash__in_ints=existing).update(materials=F("materials") + 1)
        ShingleCount.objects.bulk_create(
            [ShingleCount(hash=h, materials=1) for h in added - existing],
            ignore_conflicts=True,
            batch_size=CHUNK,
        )


@transaction.atomic
def index_version(version: MaterialVersion, *, current: bool, masks: Masks | None = None) -> None:
    """(Re)index one version; when it is the material's current text it becomes the source the
    others are compared with, and the shingle counts follow it."""
    masks = masks or Masks()
    material = Material.objects.select_related("meeting__config").get(pk=version.material_id)
    Paragraph.objects.filter(version=version).delete()
    before = _current_shingles(material.pk) if current else set()
    if current:
        Paragraph.objects.filter(material=material, current=True).update(current=False)
    after = _store(
        _material_paragraphs(material, version.text, masks), version=version, material=material, current=current
    )
    if current:
        _count(after - before, before - after)


@transaction.atomic
def index_template(template: TemplateText) -> None:
    masks = Masks()
    Paragraph.objects.filter(template=template).delete()
    paragraphs = engine.paragraphs(template.text, units=masks.units)
    _count(_store(paragraphs, template=template, current=True), ())


@transaction.atomic
def rebuild() -> tuple[int, int]:
    """Recreate the whole index: (versions, paragraphs)."""
    BandKey.objects.all().delete()
    Paragraph.objects.all().delete()
    ShingleCount.objects.all().delete()
    masks = Masks()
    counts: Counter[int] = Counter()
    versions = 0
    materials = Material.objects.select_related("meeting__config").order_by("pk")
    for material in materials:
        for version in MaterialVersion.objects.filter(material=material).order_by("number"):
            current = version.number == material.current_version
            found = _store(
                _material_paragraphs(material, version.text, masks),
                version=version,
                material=material,
                current=current,
            )
            if current:
                counts.update(found)
            versions += 1
    for template in TemplateText.objects.all():
        counts.update(_store(engine.paragraphs(template.text, units=masks.units), template=template, current=True))
    ShingleCount.objects.bulk_create([ShingleCount(hash=h, materials=n) for h, n in counts.items()], batch_size=2000)
    # The figures last: each compares with every material's current text, now all indexed.
    Result.objects.all().delete()
    for material in materials:
        version = current_version_of(material)
        if version is not None:
            store_result(version, masks=masks)
    return versions, Paragraph.objects.count()


# --- the report ----------------------------------------------------------------------------------

CROSS_UNIT = "其他单位材料"


@dataclass
class Source:
    relation: str  # 本人往年材料 / 同班子成员发言提纲 / 领导班子对照检查材料 / … / 其他单位材料 / 网络模板
    title: str  # which material
    whose: str
    year: int | None
    unit: str
    material: Material | None = None
    template: TemplateText | None = None


@dataclass
class Match:
    line: int
    raw: str
    marks: list[tuple[int, int]]
    source: Source
    source_raw: str
    source_marks: list[tuple[int, int]]
    verdict: engine.Verdict
    covered: set[int]  # normalised positions of the query paragraph

    def pieces(self):
        return engine.highlight(self.raw, self.marks)

    def source_pieces(self):
        return engine.highlight(self.source_raw, self.source_marks)

    @property
    def percent(self) -> int:
        return round(self.verdict.score * 100)


@dataclass
class Report:
    version: MaterialVersion | None
    total_chars: int = 0
    covered_chars: int = 0
    matches: list[Match] = field(default_factory=list)
    suspect: float = 0.5
    high: float = 0.7

    @property
    def ratio(self) -> float:
        return self.covered_chars / self.total_chars if self.total_chars else 0.0

    @property
    def percent(self) -> str:
        return f"{self.ratio * 100:.1f}%"

    @property
    def level(self) -> str:
        """ "high" / "suspect" by the 复制比 against the same thresholds; "low" when something matched."""
        if self.ratio >= self.high:
            return "high"
        if self.ratio >= self.suspect:
            return "suspect"
        return "low" if self.matches else "none"

    @property
    def level_label(self) -> str:
        return {"high": "高度疑似复制", "suspect": "疑似复制", "low": "有少量相似", "none": "未发现复制"}[self.level]

    def share_of(self, matches: list[Match]) -> float:
        by_line: dict[int, set[int]] = defaultdict(set)
        for m in matches:
            by_line[m.line] |= m.covered
        covered = sum(len(v) for v in by_line.values())
        return covered / self.total_chars if self.total_chars else 0.0

    @property
    def highest(self) -> Source | None:
        best = max(self.matches, key=lambda m: len(m.covered), default=None)
        return best.source if best else None


def _year(material: Material) -> int | None:
    config = material.meeting.config
    return config.year if config is not None else None


def _relation(q: Material, s: Material) -> str | None:
    """How the source relates to the material, or None when it is not a source for it."""
    if s.pk == q.pk:
        return None
    if s.meeting_id == q.meeting_id:
        if q.kind == Kind.OUTLINE and s.kind == Kind.TEAM:
            return "领导班子对照检查材料"
        if q.kind == Kind.TEAM:
            return "班子成员发言提纲"
        return "同班子成员发言提纲"
    q_year, s_year = _year(q), _year(s)
    if q_year is None or s_year is None:
        return None
    if s_year < q_year and q.meeting.organization_id == s.meeting.organization_id:
        if q.kind == Kind.OUTLINE and s.kind == Kind.OUTLINE and q.owner.person_id == s.owner.person_id:
            return "本人往年材料"
        if q.kind == Kind.TEAM and s.kind == Kind.TEAM:
            return "本单位往年班子材料"
        return None
    if q.kind == Kind.OUTLINE and s.kind == Kind.OUTLINE and s_year < q_year and q.owner.person_id == s.owner.person_id:
        return "本人往年材料"  # the same person in another unit (moved)
    q_org, s_org = q.meeting.organization, s.meeting.organization
    if s_year <= q_year and s_org.pk != q_org.pk and s_org.parent_id and s_org.parent_id == q_org.parent_id:
        return CROSS_UNIT
    return None


def _source(material: Material, relation: str) -> Source:
    org = material.meeting.organization
    whose = material.owner.name if material.owner_id else "领导班子"
    return Source(
        relation=relation,
        title=str(material),
        whose=whose,
        year=_year(material),
        unit=org.short_name or org.name,
        material=material,
    )


def build_report(version: MaterialVersion, *, masks: Masks | None = None, material: Material | None = None) -> Report:
    """Every matched passage of the version against its sources (before any visibility rule).
    `material`: the version's material with its meeting, unit, configuration and owner, when the
    caller has it loaded."""
    suspect, high = thresholds()
    masks = masks or Masks()
    if material is None or material.pk != version.material_id:
        material = Material.objects.select_related("meeting__config", "meeting__organization", "owner").get(
            pk=version.material_id
        )
    report = Report(version=version, suspect=suspect, high=high)
    query = _material_paragraphs(material, version.text, masks)
    report.total_chars = sum(len(p.norm.text) for p in query)
    hashes = {h for p in query for h in p.hashes}

    # Candidates: paragraphs sharing a band key (LSH).
    by_key: dict[int, list[int]] = defaultdict(list)
    for i, p in enumerate(query):
        if p.comparable:
            for k in engine.kept_band_keys(frozenset(p.kept)):
                by_key[k].append(i)
    pairs: dict[int, set[int]] = defaultdict(set)  # source paragraph id → query paragraph indexes
    for pid, key in _CANDIDATES(key_ids=set(by_key), material_id=material.pk):
        pairs[pid].update(by_key[key])
    if not pairs:
        return report
    sources = _SOURCES(paragraph_ids=set(pairs))
    kept_sources = []
    for s in sources:
        if s.template_id:
            src = Source("网络模板", s.template.name, "模板", None, "", template=s.template)
            kept_sources.append((s, src, None))
            continue
        relation = _relation(material, s.material)
        if relation:
            kept_sources.append((s, _source(s.material, relation), s.material))
    # Boilerplate: shingles in many materials, on both sides.
    for s, _src, _m in kept_sources:
        hashes.update(engine.text_shingles(s.norm))
    common = set(_BOILERPLATE(hash_ids=hashes, at_least=boilerplate_min()))
    q_excluded = masks.excluded(material.meeting.config) | common
    for p in query:
        p.kept = engine.keep(p.hashes, q_excluded)

    for s, src, s_material in kept_sources:
        if s_material is not None:
            names, excluded = masks.names(s_material.meeting.organization_id), masks.excluded(s_material.meeting.config)
        else:
            names, excluded = (), frozenset()
        s_norm, s_hashes = engine.normalized(s.raw, names, masks.units)
        s_kept = engine.keep(s_hashes, q_excluded | excluded)
        for i in sorted(pairs[s.pk]):
            p = query[i]
            verdict = engine.verify(p.kept, s_kept, p.norm.text, s_norm.text, suspect=suspect, high=high)
            if verdict is None:
                continue
            blocks = engine.matching_blocks(p.norm.text, s_norm.text)
            covered = engine.covered_positions(p, blocks)
            s_par = engine.Paragraph(s.line, s.raw, s_norm, s_hashes, s_kept)
            s_covered = engine.covered_positions(s_par, blocks, side=1)
            report.matches.append(
                Match(
                    line=p.index,
                    raw=p.raw,
                    marks=engine.raw_marks(p.norm, covered),
                    source=src,
                    source_raw=s.raw,
                    source_marks=engine.raw_marks(s_norm, s_covered),
                    verdict=verdict,
                    covered=covered,
                )
            )
    report.matches.sort(key=lambda m: (m.line, -m.verdict.score))
    report.covered_chars = round(report.share_of(report.matches) * report.total_chars)
    return report


def store_result(version: MaterialVersion, *, masks: Masks | None = None) -> Result:
    """Compute the version's report and keep its figure and highest source for the superior's table."""
    report = build_report(version, masks=masks)
    best = max(report.matches, key=lambda m: len(m.covered), default=None)
    source = best.source if best else None
    result, _ = Result.objects.update_or_create(
        material_id=version.material_id,
        defaults={
            "version_number": version.number,
            "ratio": report.ratio,
            "level": report.level,
            "matches": len(report.matches),
            "source_relation": source.relation if source else "",
            "source_title": source.title[:200] if source else "",
            "source_material": source.material if source else None,
            "source_template": source.template if source else None,
            "computed_at": timezone.now(),
        },
    )
    return result
