"""领导班子对照检查材料 and 个人发言提纲 as GB/T 9704 documents.

Both print the material's current text (`current_text`), laid out by `text.blocks`: "一、" headings
in 黑体, "（一）" headings in 楷体 (a "（一）提高政治站位。坚持……" line runs its first sentence in
楷体 into the 仿宋 body, as seed 002 writes its measures), every other line a body paragraph.
The text is the author's own: the document shows it as written (his numbering kept), and it is
edited in the materials editor, not on the 文书 page (no paragraph keys here).

How far along the text is shows under the title, as drafts are marked by hand:
- nothing written yet → the skeleton generated from the records (`generate_skeleton`), marked
  “（框架稿，依据记录生成）”; so is a text that is still the unedited generated skeleton;
- 起草中 → “（初稿）”, 已提交审核 → “（送审稿）”, 已退回修改 → “（修改稿）”;
- approved, reviewed by the 督导组 or revised after the meeting → no mark (the final text).

Who reads them: the team's material, whoever reads the meeting; a member's outline is his draft
until the meeting is held (the policy's READ_DRAFTS, as in the editor).
"""

from __future__ import annotations

from mingjing.accounts.policy import Ability
from mingjing.documents.engine import OfficialDocument, set_fonts
from mingjing.documents.kinds import unit_name
from mingjing.documents.registry import register
from mingjing.materials.models import Material, MaterialVersion, Reason, Status
from mingjing.materials.selectors import current_text, material_of
from mingjing.materials.skeleton import generate_skeleton
from mingjing.materials.text import blocks
from mingjing.meetings.models import Meeting, RosterEntry

SKELETON_MARK = "（框架稿，依据记录生成）"
STATUS_MARK = {Status.DRAFT: "（初稿）", Status.SUBMITTED: "（送审稿）", Status.RETURNED: "（修改稿）"}
RUN_IN_MAX = 40  # a level-2 line whose first sentence is at most this long runs into its body


def material_text(meeting: Meeting, owner: RosterEntry | None) -> tuple[str, str]:
    """(text, mark): the current text, or the skeleton from the records when nothing is written."""
    material: Material | None = material_of(meeting=meeting, owner=owner)
    text = current_text(material) if material is not None else ""
    if not text.strip():
        return generate_skeleton(meeting=meeting, owner=owner), SKELETON_MARK
    reason = (
        MaterialVersion.objects.filter(material=material, number=material.current_version)
        .values_list("reason", flat=True)
        .first()
    )
    if reason == Reason.SKELETON:
        return text, SKELETON_MARK
    return text, STATUS_MARK.get(material.status, "")


def split_run_in(line: str) -> tuple[str, str]:
    """“（一）提高政治站位，把牢正确方向。坚持……” → (“（一）提高政治站位，把牢正确方向。”, “坚持……”);
    a heading with nothing after its first sentence, or a long first sentence, stays whole."""
    cut = line.find("。")
    if cut < 0 or cut + 1 >= len(line) or cut + 1 > RUN_IN_MAX:
        return line, ""
    return line[: cut + 1], line[cut + 1 :].strip()


def write_text(doc: OfficialDocument, text: str) -> None:
    for block in blocks(text):
        if not block.is_heading:
            doc.paragraph(block.text)
            continue
        lead, body = split_run_in(block.text) if block.level == 2 else (block.text, "")
        if body:
            doc.heading(block.level, lead, numbered=False, body=body)
        else:
            doc.heading(block.level, block.text, numbered=False)


def subtitle(doc: OfficialDocument, text: str) -> None:
    """A centred line in 楷体 right under the title (“（初稿）”), before the blank line after it."""
    if not text:
        return
    doc.paragraph(text, indent=False, align="center")
    paragraphs = doc.docx.paragraphs
    line, blank = paragraphs[-1], paragraphs[1]  # [0] is the title (these kinds have no 发文字号)
    blank._p.addprevious(line._p)
    for run in line.runs:
        set_fonts(run._r.get_or_add_rPr(), doc.font("kaiti"))
    doc.blocks.insert(1, doc.blocks.pop())


def build_team_examination(meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str]) -> OfficialDocument:
    """领导班子对照检查材料 (seed 002's shape): the team material's current text, or its skeleton."""
    text, mark = material_text(meeting, None)
    unit = unit_name(meeting)
    doc = OfficialDocument(title=f"{unit}领导班子\n{meeting.config.name}对照检查材料", overrides=overrides, author=unit)
    subtitle(doc, mark)
    write_text(doc, text)
    return doc


def build_member_outline(meeting: Meeting, member: RosterEntry, overrides: dict[str, str]) -> OfficialDocument:
    """个人发言提纲: the member's own outline, or its skeleton from his records."""
    text, mark = material_text(meeting, member)
    doc = OfficialDocument(
        title=f"{member.name}同志在{meeting.config.name}上的个人发言提纲", overrides=overrides, author=member.name
    )
    subtitle(doc, mark)
    write_text(doc, text)
    return doc


register(
    "team-examination",
    "班子对照检查材料",
    build_team_examination,
    order=50,
    description="主要负责同志主持起草的领导班子对照检查材料（当前版本）；尚未撰写时为依据记录生成的框架稿。",
)
register(
    "member-outline",
    # Not the plain “个人发言提纲” while documents/tests/test_documents.py (CatalogueTest) registers a
    # stand-in kind under that label: the catalogue would list each member's outline twice.
    "个人发言提纲",
    build_member_outline,
    needs_member=True,
    order=51,
    # His outline, written or still the skeleton printing his problems, is his draft until the
    # meeting is held (as in the editor).
    read=Ability.READ_DRAFTS,
    description="班子成员本人撰写的个人发言提纲（当前版本），每人一份；尚未撰写时为依据记录生成的框架稿。",
)
