"""A unit's people as an .xlsx roster: blank template, export, and import.

The export has the template's layout, so export → edit in Excel/WPS → import round-trips. An
import matches rows to the unit's people by 姓名: known names are updated, new names created,
people missing from the sheet are left alone. Every row is checked before anything is written;
one bad cell rejects the whole sheet with a list of every problem found.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import transaction

from mingjing.audit.services import audit_record
from mingjing.lib.bulk import update_rows
from mingjing.lib.xlsx import XlsxError, read_sheet, write_sheet
from mingjing.organizations.models import Division, Organization, PartyBranch, Person, TeamRole

NAME, POST, ROLE, PRECEDENCE, SUPERVISES, HEADS, BRANCH, ACTIVE = COLUMNS = (
    "姓名",
    "职务",
    "班子角色",
    "班子排序",
    "分管科室",
    "负责科室",
    "所在党支部",
    "在职",
)
SHEET_TITLE = "人员名单"
ROLE_FROM_TEXT = {
    "主要负责同志": TeamRole.PRINCIPAL,
    "班子成员": TeamRole.MEMBER,
    "非班子成员": TeamRole.NONE,
    "": TeamRole.NONE,
}
ACTIVE_FROM_TEXT = {"是": True, "否": False, "": True}
ROLE_RANK = {TeamRole.PRINCIPAL: 0, TeamRole.MEMBER: 1, TeamRole.NONE: 2}
DIVISION_SEPARATORS = re.compile(r"[、,，]")
MAX_PRECEDENCE = 32767  # PositiveSmallIntegerField
EXAMPLE_ROW = ("张三", "局党组成员、副局长", "班子成员", 2, "", "", "", "是")


class RosterImportError(Exception):
    """The sheet was not imported; `errors` lists every problem, one line each, for the user."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class RosterImportResult:
    created: int
    updated: int
    unchanged: int


@dataclass
class _Row:
    number: int
    name: str
    post: str
    team_role: str
    precedence: int
    supervised: list[Division]
    heads_division: Division | None
    branch: PartyBranch | None
    is_active: bool


def _field_max_length(name: str) -> int:
    return Person._meta.get_field(name).max_length


def _notes() -> list[tuple[str, ...]]:
    return [
        ("列名", "是否必填", "填写说明"),
        (
            NAME,
            "必填",
            f"人员姓名，最多{_field_max_length('name')}字。本单位内不能重名，"
            "同名的请在姓名后加以区分，如“张伟（大）”。",
        ),
        (POST, "选填", "按公文写法填写，如“局党组书记、局长”。"),
        (
            ROLE,
            "选填",
            "填“主要负责同志”或“班子成员”；不是班子成员的留空或填“非班子成员”。在职人员中只能有一位主要负责同志。",
        ),
        (PRECEDENCE, "选填", "班子成员的排列顺序，填非负整数，数字越小越靠前；留空按 0 处理。"),
        (
            SUPERVISES,
            "选填",
            "分管的科室，可填多个，用顿号“、”或逗号分隔，如“办公室、财务科”。"
            "科室须先在单位页面添加，名称要与之完全一致。",
        ),
        (HEADS, "选填", "本人负责（担任负责人）的科室，只填一个，须是本单位已有的科室。"),
        (BRANCH, "选填", "本人所在的党支部，须是本单位已有的党支部。"),
        (ACTIVE, "选填", "填“是”或“否”，留空视为“是”。已调离、退休的人员填“否”。"),
        (),
        ("导入规则",),
        ("1. 第一行是表头，请勿修改表头文字；列的先后顺序不限。",),
        ("2. 按“姓名”与本单位已有人员对应：已有的人员按表中内容更新，没有的新增。",),
        ("3. 表中没有列出的人员保持不变，不会被删除；人员调离请把“在职”改为“否”。",),
        ("4. 导入前会检查每一行，只要有一处错误，整张表都不导入，请按提示修改后重新上传。",),
        (f"5. 行数不限，文件不超过{settings.MAX_IMPORT_BYTES / 1024 / 1024:g} MB；空行会被忽略。",),
        ("6. 第二行是示例，请删除或改为实际人员后再上传。",),
        ("7. 可先在单位页面导出现有名单，在导出的表格上修改后再导入。",),
    ]


def roster_template_xlsx() -> bytes:
    """An empty roster to fill in: the header row, one example row, and a 填写说明 sheet."""
    return write_sheet(COLUMNS, [EXAMPLE_ROW], title=SHEET_TITLE, notes=_notes())


def roster_export_xlsx(*, organization: Organization) -> bytes:
    """The unit's people in the template's layout: active before former, the team first by precedence."""
    people = sorted(
        Person.objects.filter(organization=organization)
        .select_related("heads_division", "branch")
        .prefetch_related("supervised_divisions"),
        key=lambda p: (not p.is_active, ROLE_RANK.get(p.team_role, 3), p.precedence, p.pk),
    )
    rows = []
    for person in people:
        supervised = sorted(person.supervised_divisions.all(), key=lambda d: (d.order, d.pk))
        rows.append(
            (
                person.name,
                person.post,
                person.get_team_role_display(),
                person.precedence,
                "、".join(d.name for d in supervised),
                person.heads_division.name if person.heads_division else "",
                person.branch.name if person.branch else "",
                "是" if person.is_active else "否",
            )
        )
    return write_sheet(COLUMNS, rows, title=SHEET_TITLE, notes=_notes())


def _file_size(fileobj: Any) -> int | None:
    size = getattr(fileobj, "size", None)
    if isinstance(size, int):
        return size
    try:
        position = fileobj.tell()
        fileobj.seek(0, 2)
        end = fileobj.tell()
        fileobj.seek(position)
    except (AttributeError, OSError, ValueError):
        return None
    return end - position


def _read(fileobj: IO[bytes]) -> list[tuple[int, dict[str, str]]]:
    limit = settings.MAX_IMPORT_BYTES
    size = _file_size(fileobj)
    if size is not None and size > limit:
        raise RosterImportError([f"文件过大（超过{limit / 1024 / 1024:g} MB），请拆分后分批导入"])
    data = fileobj.read(limit + 1)
    if len(data) > limit:
        raise RosterImportError([f"文件过大（超过{limit / 1024 / 1024:g} MB），请拆分后分批导入"])
    try:
        rows = read_sheet(data, required=COLUMNS, max_rows=None)  # an export imports back whatever its size
    except XlsxError as exc:
        raise RosterImportError([exc.message]) from exc
    if not rows:
        raise RosterImportError(["表格中没有人员，请在表头下面逐行填写"])
    return rows


class _RowParser:
    """Turns one sheet row into a _Row, collecting every problem as '第N行「列」：…'."""

    def __init__(self, organization: Organization) -> None:
        self.divisions = {d.name: d for d in Division.objects.filter(organization=organization)}
        self.branches = {b.name: b for b in PartyBranch.objects.filter(organization=organization)}
        self.errors: list[str] = []

    def error(self, number: int, column: str, message: str) -> None:
        self.errors.append(f"第{number}行「{column}」：{message}")

    def text(self, number: int, record: dict[str, str], column: str, field: str) -> str:
        value = record[column]
        limit = _field_max_length(field)
        if len(value) > limit:
            self.error(number, column, f"不能超过{limit}个字（现有{len(value)}个字）")
        return value

    def division(self, number: int, column: str, name: str) -> Division | None:
        division = self.divisions.get(name)
        if division is None:
            self.error(number, column, f"本单位没有名为“{name}”的科室，请先在单位页面添加")
        return division

    def parse(self, number: int, record: dict[str, str]) -> _Row:
        name = self.text(number, record, NAME, "name")
        if not name:
            self.error(number, NAME, "不能为空")
        post = self.text(number, record, POST, "post")

        team_role = ROLE_FROM_TEXT.get(record[ROLE])
        if team_role is None:
            self.error(number, ROLE, "应为“主要负责同志”“班子成员”或留空")

        precedence = 0
        if record[PRECEDENCE]:
            if not record[PRECEDENCE].isdecimal():  # int() also takes full-width digits
                self.error(number, PRECEDENCE, "应为非负整数")
            elif int(record[PRECEDENCE]) > MAX_PRECEDENCE:
                self.error(number, PRECEDENCE, f"不能大于{MAX_PRECEDENCE}")
            else:
                precedence = int(record[PRECEDENCE])

        supervised: list[Division] = []
        cell = record[SUPERVISES]
        # A division whose own name contains a separator still matches as a whole.
        parts = [cell] if cell in self.divisions else DIVISION_SEPARATORS.split(cell)
        for part in parts:
            division = self.division(number, SUPERVISES, part.strip()) if part.strip() else None
            if division is not None and division not in supervised:
                supervised.append(division)

        heads = self.division(number, HEADS, record[HEADS]) if record[HEADS] else None

        branch = None
        if record[BRANCH]:
            branch = self.branches.get(record[BRANCH])
            if branch is None:
                self.error(number, BRANCH, f"本单位没有名为“{record[BRANCH]}”的党支部，请先在单位页面添加")

        is_active = ACTIVE_FROM_TEXT.get(record[ACTIVE])
        if is_active is None:
            self.error(number, ACTIVE, "应为“是”或“否”（留空视为“是”）")

        return _Row(
            number=number,
            name=name,
            post=post,
            team_role=team_role or TeamRole.NONE,
            precedence=precedence,
            supervised=supervised,
            heads_division=heads,
            branch=branch,
            is_active=True if is_active is None else is_active,
        )


def _rows_label(rows: list[_Row]) -> str:
    return "、".join(f"第{r.number}行" for r in rows)


def _validate(
    organization: Organization, records: list[tuple[int, dict[str, str]]], existing: dict[str, Person]
) -> list[_Row]:
    parser = _RowParser(organization)
    rows = [parser.parse(number, record) for number, record in records]
    errors = parser.errors

    first_seen: dict[str, int] = {}
    for row in rows:
        if not row.name:
            continue
        if row.name in first_seen:
            errors.append(f"第{row.number}行「{NAME}」：与第{first_seen[row.name]}行重复")
        else:
            first_seen[row.name] = row.number

    # The unit ends up with at most one active principal, counting people the sheet leaves alone.
    principals = [r for r in rows if r.is_active and r.team_role == TeamRole.PRINCIPAL]
    outside = [
        p
        for name, p in existing.items()
        if name not in first_seen and p.is_active and p.team_role == TeamRole.PRINCIPAL
    ]
    if len(principals) > 1:
        errors.append(f"{_rows_label(principals)}「{ROLE}」：在职的主要负责同志只能有一位，现在填了{len(principals)}位")
    elif principals and outside:
        other = outside[0].name
        errors.append(
            f"{_rows_label(principals)}「{ROLE}」：本单位已有在职的主要负责同志“{other}”（不在本表中），"
            f"只能有一位；如已调整，请把“{other}”也列入表中，改为“班子成员”或把“在职”填“否”"
        )
    # Errors in row order, whatever check found them.
    errors.sort(key=lambda e: int(re.match(r"第(\d+)行", e).group(1)))
    if errors:
        raise RosterImportError(errors)
    return rows


# What a row sets on a person besides the name and the supervised divisions.
_FIELDS = ("post", "team_role", "precedence", "heads_division", "branch", "is_active")
BATCH = 500


def _apply(person: Person, row: _Row) -> bool:
    """Set the row's fields on `person`; whether any of them changed."""
    new = {
        "post": row.post,
        "team_role": row.team_role,
        "precedence": row.precedence,
        "heads_division_id": row.heads_division.pk if row.heads_division else None,
        "branch_id": row.branch.pk if row.branch else None,
        "is_active": row.is_active,
    }
    changed = any(getattr(person, attname) != value for attname, value in new.items())
    for attname, value in new.items():
        setattr(person, attname, value)
    return changed


def roster_import(*, actor: Any, organization: Organization, fileobj: IO[bytes]) -> RosterImportResult:
    """Import a roster sheet into the unit, all or nothing; raises RosterImportError listing every problem.

    Every row is checked before anything is written (_RowParser checks what the model's fields
    would: lengths, choices, the precedence's range; _validate the names); then the new people are
    inserted and the changed ones updated in bulk (a fixed number of queries per 500 rows), with one
    audit event."""
    records = _read(fileobj)
    with transaction.atomic():
        existing = {p.name: p for p in Person.objects.select_for_update(of=("self",)).filter(organization=organization)}
        linked: dict[int, set[int]] = defaultdict(set)
        links = Person.supervised_divisions.through.objects.filter(person__organization=organization)
        for person_id, division_id in links.values_list("person_id", "division_id"):
            linked[person_id].add(division_id)
        rows = _validate(organization, records, existing)
        created: list[tuple[Person, list[Division]]] = []
        updated: list[Person] = []  # fields changed
        relinked: list[tuple[Person, list[Division]]] = []  # supervised divisions changed
        changed = 0
        for row in rows:
            person = existing.get(row.name)
            if person is None:
                person = Person(organization=organization, name=row.name)
                _apply(person, row)
                created.append((person, row.supervised))
                continue
            fields_changed = _apply(person, row)
            links_changed = linked[person.pk] != {d.pk for d in row.supervised}
            if fields_changed:
                updated.append(person)
            if links_changed:
                relinked.append((person, row.supervised))
            changed += fields_changed or links_changed
        _write(created=created, updated=updated, relinked=relinked)
        if created or changed:
            audit_record(
                actor=actor,
                event_type="roster.imported",
                obj=organization,
                organization=organization,
                extra={"created": len(created), "updated": changed},
            )
    unchanged = len(rows) - len(created) - changed
    return RosterImportResult(created=len(created), updated=changed, unchanged=unchanged)


def _write(
    *,
    created: list[tuple[Person, list[Division]]],
    updated: list[Person],
    relinked: list[tuple[Person, list[Division]]],
) -> None:
    """The checked changes in bulk: insert the new people, update the changed ones, and replace the
    supervised divisions of those whose set changed."""
    Person.objects.bulk_create([p for p, _ in created], batch_size=BATCH)
    update_rows(Person, updated, _FIELDS)
    links = Person.supervised_divisions.through
    relinked_ids = [p.pk for p, _ in relinked]
    for start in range(0, len(relinked_ids), BATCH):
        links.objects.filter(person_id__in=relinked_ids[start : start + BATCH]).delete()
    links.objects.bulk_create(
        [links(person_id=p.pk, division_id=d.pk) for p, divisions in (*created, *relinked) for d in divisions],
        batch_size=BATCH,
    )
