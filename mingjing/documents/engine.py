"""The document engine: every .docx 明镜 writes, laid out by GB/T 9704-2012 (党政机关公文格式).

    doc = OfficialDocument(title="关于召开2025年度民主生活会的请示", addressee="市纪委监委、市委组织部",
                           overrides=overrides)
    doc.paragraph(fill("按照{notice}要求……", notice=None), key="basis")   # editable in the browser
    doc.heading(1, "会前准备情况")                                       # 一、会前准备情况（黑体）
    doc.heading(2, "认真制订方案。", body="根据……")                        # （一）楷体 run-in + 仿宋 text
    doc.numbered_points(["发放征求意见表", "个别走访"], lead="征求意见的方式：")  # 一是……。二是……。
    doc.table(["序号", "问题", "整改时限"], rows, widths=[14, 100, 42])   # a ledger (mm), header repeats
    doc.attachments(["整改方案", "整改清单"])
    doc.signature("中共明远市农业农村局党组", date)                        # unsealed: 右空二字, date 右移二字
    data = doc.to_bytes()

The numbers (domain.md §4): A4; margins top 37, bottom 35, left 28, right 26 mm (版心 156 × 225 mm);
body 3号仿宋_GB2312 = 16 pt; title 2号方正小标宋简体 = 22 pt, centred; headings 一、黑体 （一）楷体
1.（1）仿宋; the 22 × 28 grid from docGrid type="lines" linePitch 579, exact 28.95 pt line spacing, no
space before/after, widow control off, body runs −0.25 pt character spacing (15.75 pt a character);
page numbers “— 1 —” 4号宋体 in the footer, odd pages right and even pages left, one character in.
The East-Asian font is set on docDefaults, on every style and on every run (python-docx's
font.name sets only the Latin one).

Paragraphs given a `key` are *editable*: a user's edit (ParagraphOverride) replaces the generated text
until he resets it. `doc.blocks` lists what was written, for the preview page.
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.opc.oxml import serialize_part_xml
from docx.opc.package import Unmarshaller
from docx.opc.part import Part, PartFactory, XmlPart
from docx.opc.pkgreader import PackageReader
from docx.opc.pkgwriter import _ContentTypesItem
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.package import Package
from docx.shared import Mm
from docx.text.paragraph import Paragraph
from lxml import etree

from mingjing.documents.fonts import FONTS, LATIN, font_mode
from mingjing.documents.numbering import heading_prefix, numbered_points
from mingjing.documents.slots import MISSING, slot_text

# --- GB/T 9704 numbers ---------------------------------------------------------------------------
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
LINE_PITCH_TWIPS = 579  # 225 mm / 22 = 579.8 twips; floored, or Word fits only 21 lines
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
IMPRINT_PT = 14  # 版记: 4号
CHAR_SPACING = -5  # twentieths of a point: −0.25 pt, so a 16 pt character advances 15.75 pt
CHAR_TWIPS = (BODY_PT * 20) + CHAR_SPACING  # 315: one character cell of the body text
FOOTER_DISTANCE = Mm(21)  # the “— 1 —” line starts about 7 mm under the text block
HEADER_DISTANCE = Mm(15)

# Roles of the heading levels: 一、黑体 （一）楷体 1.（1）仿宋.
HEADING_FONT = {1: "heiti", 2: "kaiti", 3: "fangsong", 4: "fangsong"}
STYLE_TITLE, STYLE_BODY, STYLE_TABLE, STYLE_PAGE = "GB Title", "GB Body", "GB Table", "GB Page Number"
STYLE_HEADING = {level: f"GB Heading {level}" for level in (1, 2, 3, 4)}


@dataclass
class Block:
    """One thing written, as the preview page shows it. `key` set = editable paragraph."""

    kind: str  # title, heading, paragraph, table, signature, attachments, blank, picture
    text: str
    key: str | None = None
    label: str = ""
    level: int = 0
    generated: str = ""  # the text from records, before any edit
    overridden: bool = False
    lead: str = ""  # a run-in heading printed before the text (“（一）认真制订方案。”)
    rows: list[list[str]] | None = None  # tables: header row first

    @property
    def missing(self) -> int:
        if self.rows is not None:
            return sum(cell.count(MISSING) for row in self.rows for cell in row)
        return self.text.count(MISSING) + self.lead.count(MISSING)


def display_width(text: str) -> float:
    """Width in body character cells: a CJK character is 1, a digit or Latin letter ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


# --- low-level XML helpers ------------------------------------------------------------------------
def _child(parent, tag: str, **attrs: str):
    """The first `tag` child of `parent`, created at the end when missing; attrs set on it."""
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), str(value))
    return el


def set_fonts(rpr, east_asia: str, latin: str = LATIN) -> None:
    """rFonts with the East-Asian font named explicitly and no theme fonts (which would win)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    # Quotes, dashes and ·, which Unicode shares between scripts, take the East-Asian font.
    rfonts.set(qn("w:hint"), "eastAsia")


def _rpr_props(
    rpr, *, east_asia: str, size_pt: float, bold: bool = False, spacing: int | None = None, latin: str = LATIN
) -> None:
    set_fonts(rpr, east_asia, latin)
    for tag in ("w:b", "w:bCs"):
        el = rpr.find(qn(tag))
        if bold and el is None:
            rpr.append(OxmlElement(tag))
        elif not bold and el is not None:
            rpr.remove(el)
    color = rpr.find(qn("w:color"))
    if color is not None:
        rpr.remove(color)
    _child(rpr, "w:color", val="000000")
    if spacing is not None:
        _child(rpr, "w:spacing", val=spacing)
    half_points = str(int(round(size_pt * 2)))
    _child(rpr, "w:sz", val=half_points)
    _child(rpr, "w:szCs", val=half_points)
    _child(rpr, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    _reorder_rpr(rpr)


# CT_RPr children must appear in schema order or Word refuses the file.
_RPR_ORDER = ["w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:color", "w:spacing", "w:w", "w:kern",
              "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:lang", "w:eastAsianLayout"]  # fmt: skip
_PPR_ORDER = ["w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
              "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
              "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
              "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
              "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
              "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"]  # fmt: skip


_RANKS: dict[int, dict[str, int]] = {}


def _reorder(el, order: list[str]) -> None:
    rank = _RANKS.get(id(order))
    if rank is None:
        rank = _RANKS[id(order)] = {qn(tag): i for i, tag in enumerate(order)}
    children = list(el)
    for child in children:
        el.remove(child)
    for child in sorted(children, key=lambda c: rank.get(c.tag, len(order))):
        el.append(child)


def _reorder_rpr(rpr) -> None:
    _reorder(rpr, _RPR_ORDER)


def _ppr_props(
    ppr,
    *,
    line_twips: int | None = LINE_PITCH_TWIPS,
    first_line: int | None = None,
    left: int | None = None,
    right: int | None = None,
    hanging: int | None = None,
    align: str | None = None,
    snap: bool = True,
    outline: int | None = None,
    keep_next: bool = False,
    page_break: bool = False,
) -> None:
    if keep_next:
        _child(ppr, "w:keepNext")
    if page_break:
        _child(ppr, "w:pageBreakBefore")
    _child(ppr, "w:widowControl", val="0")  # else a page may hold only 21 lines
    # Punctuation at the end of a full line: Word hangs it in the margin (its default, on); LibreOffice
    # 7.4 reads this same "on" as no hanging and moves the last character down with it (kinsoku), while
    # "off" makes it hang the mark and drop it from the PDF. So "on", written out: both show every mark.
    _child(ppr, "w:overflowPunct", val="1")
    if not snap:
        _child(ppr, "w:snapToGrid", val="0")
    spacing = _child(ppr, "w:spacing", before="0", after="0", beforeLines="0", afterLines="0")
    if line_twips:
        spacing.set(qn("w:line"), str(line_twips))
        spacing.set(qn("w:lineRule"), "exact")
    if any(v is not None for v in (first_line, left, right, hanging)):
        ind = _child(ppr, "w:ind")
        for name, value in (("firstLine", first_line), ("left", left), ("right", right), ("hanging", hanging)):
            if value is not None:
                ind.set(qn(f"w:{name}"), str(value))
    if align:
        _child(ppr, "w:jc", val=align)
    if outline is not None:
        _child(ppr, "w:outlineLvl", val=outline)
    _reorder(ppr, _PPR_ORDER)


def _add_field(paragraph, instruction: str, placeholder: str, rpr_source) -> None:
    """A field (PAGE, NUMPAGES …) from fldChar runs: python-docx has no field API."""

    def run_with(child) -> None:
        run = paragraph.add_run()
        run._r.insert(0, _clone(rpr_source))
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    text = OxmlElement("w:t")
    text.text = placeholder
    run_with(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# --- the prepared package -------------------------------------------------------------------------
# Styles, the page set-up, the page-number footers, the font table and the settings are the same for
# every document of one font mode and orientation: they are built once per process into a .docx
# package, and each document starts from those bytes (python-docx's own Document() also parses a
# template, so a document costs no more to start than a bare one).


@dataclass(frozen=True)
class Prepared:
    blob: bytes
    style_ids: dict[str, str]
    reader: Any  # the package's parts as read once (python-docx PackageReader), unmarshalled per document
    static: frozenset[str]  # parts every document shares untouched (styles, settings, footers …)
    static_zip: bytes  # those parts, compressed once: a document's .docx is this plus its own parts


_PREPARED: dict[tuple[str, bool], Prepared] = {}
_PREPARED_LOCK = threading.Lock()
_OWN_PARTS = frozenset({"/word/document.xml", "/docProps/core.xml"})  # parsed and written per document


class _LazyXmlPart:
    """Mixed into an XmlPart class: the XML is parsed only when something asks for it, and a part
    nobody touched is written back as the bytes it was read from."""

    @classmethod
    def load(cls, partname, content_type, blob, package):
        part = cls.__new__(cls)
        Part.__init__(part, partname, content_type, package=package)
        part._source = blob
        return part

    def __getattr__(self, name: str):
        if name in ("_element", "_settings"):
            element = self.__dict__["_element"] = parse_xml(self.__dict__["_source"])
            self.__dict__["_settings"] = element
            return element
        raise AttributeError(name)

    @property
    def blob(self) -> bytes:
        return serialize_part_xml(self._element) if "_element" in self.__dict__ else self._source

    @property
    def untouched(self) -> bool:
        return "_element" not in self.__dict__


_LAZY_CLASSES: dict[type, type] = {}


def _part_factory(partname, content_type, reltype, blob, package):
    cls = PartFactory._part_cls_for(content_type)
    if partname in _OWN_PARTS or not issubclass(cls, XmlPart):
        return cls.load(partname, content_type, blob, package)
    lazy = _LAZY_CLASSES.get(cls)
    if lazy is None:
        lazy = _LAZY_CLASSES[cls] = type(f"Lazy{cls.__name__}", (_LazyXmlPart, cls), {})
    return lazy.load(partname, content_type, blob, package)


def _open(reader) -> Any:
    """A python-docx Document from the prepared parts: only its body and core properties parsed."""
    package = Package()
    Unmarshaller.unmarshal(reader, package, _part_factory)
    return package.main_document_part.document


def prepared(fonts: str, landscape: bool) -> Prepared:
    """The prepared package for a font mode and orientation, built on first use."""
    key = (fonts, landscape)
    found = _PREPARED.get(key)
    if found is None:
        with _PREPARED_LOCK:
            found = _PREPARED.get(key)
            if found is None:
                doc = Document()
                style_ids = _setup(doc, fonts=fonts, landscape=landscape)
                buffer = io.BytesIO()
                doc.save(buffer)
                blob = buffer.getvalue()
                reader = PackageReader.from_file(io.BytesIO(blob))
                parts = list(_open(reader).part.package.iter_parts())
                static = frozenset(str(p.partname) for p in parts if isinstance(p, _LazyXmlPart) or (
                    str(p.partname) not in _OWN_PARTS and not len(p.rels)))  # fmt: skip
                zipped = io.BytesIO()
                with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
                    for part in parts:
                        if str(part.partname) in static:
                            z.writestr(part.partname.membername, part.blob)
                            if len(part.rels):
                                z.writestr(part.partname.rels_uri.membername, part.rels.xml)
                found = _PREPARED[key] = Prepared(blob, style_ids, reader, static, zipped.getvalue())
    return found


def _setup(doc, *, fonts: str, landscape: bool) -> dict[str, str]:
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
        section.top_margin, section.bottom_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.left_margin, section.right_margin = MARGIN_TOP, MARGIN_BOTTOM
    else:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance, section.footer_distance = HEADER_DISTANCE, FOOTER_DISTANCE
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.attrib.clear()
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))

    def font(role: str) -> str:
        return FONTS[role].name(fonts)

    fangsong = font("fangsong")
    styles_el = doc.styles.element
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr_default = _child(_child(defaults, "w:rPrDefault"), "w:rPr")
    _rpr_props(rpr_default, east_asia=fangsong, size_pt=BODY_PT, spacing=CHAR_SPACING)
    ppr_default = _child(_child(defaults, "w:pPrDefault"), "w:pPr")
    _ppr_props(ppr_default, align="both")

    normal = doc.styles["Normal"]
    _rpr_props(normal.element.get_or_add_rPr(), east_asia=fangsong, size_pt=BODY_PT, spacing=CHAR_SPACING)
    _ppr_props(normal.element.get_or_add_pPr(), align="both")

    def paragraph_style(
        name: str, *, role: str, size: float, bold: bool = False, spacing: int | None = None, **ppr: Any
    ):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        _rpr_props(style.element.get_or_add_rPr(), east_asia=font(role), size_pt=size, bold=bold, spacing=spacing)
        _ppr_props(style.element.get_or_add_pPr(), **ppr)
        return style

    title = FONTS["title"]
    paragraph_style(STYLE_TITLE, role="title", size=TITLE_PT, bold=title.bold(fonts), align="center", snap=False)
    paragraph_style(STYLE_BODY, role="fangsong", size=BODY_PT, spacing=CHAR_SPACING, first_line=2 * BODY_PT * 20)
    for level, style_name in STYLE_HEADING.items():
        paragraph_style(
            style_name,
            role=HEADING_FONT[level],
            size=BODY_PT,
            spacing=CHAR_SPACING,
            first_line=2 * BODY_PT * 20,
            outline=level - 1,
            keep_next=True,
        )
    paragraph_style(STYLE_TABLE, role="fangsong", size=12, line_twips=None, snap=False, align="left")
    paragraph_style(STYLE_PAGE, role="songti", size=PAGE_NUMBER_PT, line_twips=400, snap=False)

    doc.settings.odd_and_even_pages_header_footer = True  # w:evenAndOddHeaders
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    _page_numbers(doc, fonts)
    _font_table(doc, fonts)
    props = doc.core_properties
    props.language = "zh-CN"
    # python-docx looks a style up by scanning all styles on every assignment: keep the ids.
    return {s.name: s.style_id for s in doc.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}


def _font_table(doc, fonts: str) -> None:
    """Declare each East-Asian font with its fallbacks (w:altName) for Word's substitution."""
    part = doc.part
    font_part = next((rel.target_part for rel in part.rels.values() if rel.reltype.endswith("/fontTable")), None)
    if font_part is None:
        return
    from lxml import etree

    root = etree.fromstring(font_part.blob)
    for family in FONTS.values():
        name = family.name(fonts)
        if root.find(f"{{*}}font[@{{{root.nsmap['w']}}}name='{name}']") is not None:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alternatives = [f for f in (family.official, *family.fallbacks) if f != name]
        if alternatives:
            alt = etree.SubElement(font, qn("w:altName"))
            alt.set(qn("w:val"), alternatives[0])
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "modern" if family.role != "title" else "script")
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "fixed" if family.role != "title" else "variable")
    font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_numbers(doc, fonts: str) -> None:
    """“— 1 —” in 4号宋体: odd pages right, even pages left, one character in."""
    section = doc.sections[0]
    one_char = PAGE_NUMBER_PT * 20
    for footer, align, indent in (
        (section.footer, "right", {"right": one_char}),
        (section.even_page_footer, "left", {"left": one_char}),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.style = doc.styles[STYLE_PAGE]
        _ppr_props(paragraph._p.get_or_add_pPr(), line_twips=400, snap=False, align=align, **indent)
        rpr = OxmlElement("w:rPr")
        songti = FONTS["songti"].name(fonts)
        _rpr_props(rpr, east_asia=songti, size_pt=PAGE_NUMBER_PT, latin=songti)
        _append_run(paragraph._p, "— ", rpr)
        _add_field(paragraph, "PAGE", "1", rpr)
        _append_run(paragraph._p, " —", rpr)


_RPR: dict[tuple, Any] = {}
_PARAGRAPHS: dict[tuple, Any] = {}  # prototype w:p by (style id, paragraph properties)


def _shared_rpr(fonts: str, role: str, size: float, bold: bool, spacing: int | None):
    """Run properties, built once per process and combination; runs get a copy."""
    key = (fonts, role, size, bold, spacing)
    rpr = _RPR.get(key)
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        _rpr_props(rpr, east_asia=FONTS[role].name(fonts), size_pt=size, bold=bold, spacing=spacing)
        _RPR[key] = rpr
    return rpr


def _clone(el):
    """A deep copy of an lxml element (what copy.deepcopy does, without its memo bookkeeping)."""
    return el.__deepcopy__(None)


_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_W_R, _W_T, _W_TAB, _W_BR = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br")


def _append_run(p, text: str, rpr) -> None:
    """A run of `text` with a copy of `rpr`, appended to the w:p element (tabs become w:tab and line
    feeds w:br, as python-docx's run.text does)."""
    r = etree.SubElement(p, _W_R)
    r.append(_clone(rpr))
    for i, line in enumerate(text.split("\n")):
        if i:
            etree.SubElement(r, _W_BR)
        for j, part in enumerate(line.split("\t")):
            if j:
                etree.SubElement(r, _W_TAB)
            if part:
                t = etree.SubElement(r, _W_T)
                t.text = part
                if part[0].isspace() or part[-1].isspace():
                    t.set(_XML_SPACE, "preserve")


# --- the builder ------------------------------------------------------------------------------------
class OfficialDocument:
    """A GB/T 9704 document under construction. See the module docstring for the API."""

    def __init__(
        self,
        *,
        title: str,
        addressee: str | None = None,
        doc_number: str | None = None,
        signer: str | Sequence[str] | None = None,
        overrides: Mapping[str, str] | None = None,
        fonts: str | None = None,
        author: str = "明镜",
        landscape: bool = False,
    ) -> None:
        """`doc_number` alone is centred under the top (下行文); with `signer` (the 签发人 of an
        upward document, 上行文) the number goes left and “签发人：姓名” right on the same line,
        each one character in, with the red separator line under them (GB/T 9704 §7.2.4–7.2.6)."""
        self.title = title
        self.fonts = fonts or font_mode()
        self.overrides = dict(overrides or {})
        self.blocks: list[Block] = []
        self._keys: set[str] = set()
        self._counters = [0, 0, 0, 0, 0]  # per heading level, 1-based
        self._attached: list[tuple[str, Any]] = []  # appended attachments, written before the 版记
        self._imprint = None  # the 版记's table: not copied when this document is appended to another
        self._prepared = package = prepared(self.fonts, landscape)
        self._doc = _open(package.reader)
        self._style_ids = package.style_ids
        self._body = self._doc.element.body
        self._body_end = self._body.find(qn("w:sectPr"))
        self._landscape_page = landscape
        props = self._doc.core_properties
        props.title, props.author, props.last_modified_by = title, author, author
        if signer is not None:
            self._masthead(doc_number, signer)
        elif doc_number:
            self._line(doc_number, align="center")
            self.blank()
        self._title(title)
        self.blank()
        if addressee is not None:
            text = slot_text(addressee).rstrip("：:")
            self._line(f"{text}：", align="left")
            self.blocks.append(Block("addressee", f"{text}："))

    # --- fonts and styles
    def font(self, role: str) -> str:
        return FONTS[role].name(self.fonts)

    # --- runs and paragraphs
    def _new_paragraph(self, style: str, **ppr: Any) -> Paragraph:
        """A paragraph in `style` with these paragraph properties, before the section properties: a
        copy of a prototype built once per process for each combination (faster than add_paragraph)."""
        key = (self._style_ids[style], tuple(sorted(ppr.items())))
        proto = _PARAGRAPHS.get(key)
        if proto is None:
            proto = OxmlElement("w:p")
            _set_style(Paragraph(proto, None), key[0])
            if ppr:
                _ppr_props(proto.get_or_add_pPr(), **ppr)
            _PARAGRAPHS[key] = proto
        p = _clone(proto)
        self._body_end.addprevious(p)
        return Paragraph(p, self._doc._body)

    @staticmethod
    def _run(paragraph, text: str, rpr) -> None:
        _append_run(paragraph._p, text, rpr)

    def _rpr(self, role: str, size: float = BODY_PT, bold: bool = False, spacing: int | None = CHAR_SPACING):
        """Run properties, built once per process and combination; `_run` copies them into each run."""
        return _shared_rpr(self.fonts, role, size, bold, spacing)

    def _paragraph(self, style: str, parts: Sequence[tuple[str, Any]], **ppr: Any):
        paragraph = self._new_paragraph(style, **ppr)
        for text, rpr in parts:
            if text:
                _append_run(paragraph._p, text, rpr)
        return paragraph

    def _line(self, text: str, *, align: str) -> None:
        self._paragraph(STYLE_BODY, [(text, self._rpr("fangsong"))], first_line=0, align=align)

    def _masthead(self, doc_number: str | None, signer: str | Sequence[str]) -> None:
        """版头 of an upward document: “文号” left and “签发人：姓名” right on one line, each one
        character in (签发人 in 3号仿宋, the names in 3号楷体), the red separator line under it."""
        number = slot_text(doc_number)
        names = signer if isinstance(signer, str) else "、".join(n for n in signer if n)
        names = slot_text(names)
        width = self._text_width()
        paragraph = self._paragraph(
            STYLE_BODY,
            [(number, self._rpr("fangsong")), ("\t签发人：", self._rpr("fangsong")), (names, self._rpr("kaiti"))],
            first_line=0,
            left=CHAR_TWIPS,
            align="left",
        )
        ppr = paragraph._p.get_or_add_pPr()
        tabs = etree.SubElement(ppr, qn("w:tabs"))
        etree.SubElement(tabs, qn("w:tab"), {qn("w:val"): "right", qn("w:pos"): str(width - CHAR_TWIPS)})
        border = etree.SubElement(ppr, qn("w:pBdr"))
        etree.SubElement(border, qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "8", qn("w:space"): "6",
                                                  qn("w:color"): "FF0000"})  # fmt: skip
        _reorder(ppr, _PPR_ORDER)
        self.blocks.append(Block("masthead", f"{number}　签发人：{names}"))
        self.blank()

    def _text_width(self) -> int:
        """The text block's width in twips (156 mm, 225 mm landscape)."""
        if self._landscape:
            return int((PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) / TWIP)
        return int((PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / TWIP)

    def _title(self, title: str) -> None:
        bold = FONTS["title"].bold(self.fonts)
        paragraph = self._new_paragraph(STYLE_TITLE)
        rpr = self._rpr("title", TITLE_PT, bold=bold, spacing=None)
        lines = [part for line in title.split("\n") if line.strip() for part in balance_title(line.strip())]
        for i, line in enumerate(lines):
            if i:
                paragraph.add_run().add_break(WD_BREAK.LINE)
            self._run(paragraph, line, rpr)
        self.blocks.append(Block("title", "\n".join(lines)))

    def _editable(self, generated: str, key: str | None) -> tuple[str, bool]:
        if key is None:
            return generated, False
        if key in self._keys:
            raise ValueError(f"paragraph key {key!r} used twice in one document")
        self._keys.add(key)
        if key in self.overrides:
            return self.overrides[key], True
        return generated, False

    def blank(self) -> None:
        """An empty line of the grid (空一行)."""
        self._new_paragraph(STYLE_BODY)
        self.blocks.append(Block("blank", ""))

    def page_break(self) -> None:
        self._new_paragraph(STYLE_BODY).add_run().add_break(WD_BREAK.PAGE)

    def paragraph(
        self, text: str, *, key: str | None = None, label: str = "", indent: bool = True, align: str | None = None
    ) -> None:
        """A body paragraph, first line indented two characters. Lines of `text` (\\n) become
        paragraphs. With `key`, the user may replace the text in the browser (see module doc)."""
        final, overridden = self._editable(text, key)
        for line in _lines(final):
            self._paragraph(
                STYLE_BODY,
                [(line, self._rpr("fangsong"))],
                **({} if indent else {"first_line": 0}),
                **({"align": align} if align else {}),
            )
        self.blocks.append(Block("paragraph", final, key=key, label=label, generated=text, overridden=overridden))

    def heading(
        self,
        level: int,
        text: str,
        *,
        numbered: bool = True,
        body: str | None = None,
        key: str | None = None,
        label: str = "",
    ) -> str:
        """A heading: 一、黑体 / （一）楷体 / 1. 仿宋 / （1）仿宋, numbered automatically (a higher
        level restarts the lower ones). With `body`, the heading runs into the paragraph that
        follows it (“（一）认真制订方案。根据……”), the usual form for levels 2–4; `key` then
        makes the body editable. Returns the number prefix used."""
        if level not in STYLE_HEADING:
            raise ValueError("heading level must be 1–4")
        self._counters[level] += 1
        for lower in range(level + 1, 5):
            self._counters[lower] = 0
        prefix = heading_prefix(level, self._counters[level]) if numbered else ""
        lead = f"{prefix}{text.strip()}"
        role = HEADING_FONT[level]
        if body is None:
            self._paragraph(STYLE_HEADING[level], [(lead, self._rpr(role))])
            self.blocks.append(Block("heading", lead, level=level))
            return prefix
        final, overridden = self._editable(body, key)
        lines = _lines(final) or [""]
        self._paragraph(STYLE_BODY, [(lead, self._rpr(role)), (lines[0], self._rpr("fangsong"))])
        for line in lines[1:]:
            self._paragraph(STYLE_BODY, [(line, self._rpr("fangsong"))])
        self.blocks.append(
            Block(
                "paragraph",
                final,
                key=key,
                label=label or lead,
                level=level,
                generated=body,
                overridden=overridden,
                lead=lead,
            )
        )
        return prefix

    def numbered_points(
        self, items: Iterable[str], *, lead: str = "", verb: str = "是", key: str | None = None, label: str = ""
    ) -> None:
        """One paragraph “{lead}一是……。二是……。” (verb “要” gives 一要/二要)."""
        self.paragraph(lead + numbered_points(items, verb), key=key, label=label)

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        widths: Sequence[float] | None = None,
        size: float = 12,
        align: Sequence[str] | None = None,
        title: str | None = None,
        heights: Sequence[float | None] | None = None,
    ) -> None:
        """A ledger table as wide as the text block: header row in 黑体, repeated on every page; cells
        in 仿宋 `size` pt (小四 by default), left-aligned (never justified: a narrow column would
        spread its characters apart). Column widths follow the content (`fit_widths`): a name of 2–4
        characters, a date or 【待补充】 is never broken inside a cell; `widths` (mm) are preferred
        widths, e.g. room to write in an empty column. `align` per column: "c" centred, "l" left.
        `heights` (mm, header first): rows at least this tall. A cell value None prints 【待补充】
        (a fact not recorded); "" stays empty (to be filled by hand). Built row by row as XML."""
        rows = [[("" if v == "" else slot_text(v)) for v in row] for row in rows]
        headers = [str(h) for h in headers]
        columns = len(headers)
        for i, row in enumerate(rows, start=1):
            if len(row) != columns:
                raise ValueError(f"table row {i} has {len(row)} cells, expected {columns}")
        if widths is not None and len(widths) != columns:
            raise ValueError(f"{len(widths)} widths for {columns} columns")
        if title:
            self._paragraph(STYLE_BODY, [(title, self._rpr("heiti"))], first_line=0, align="center")
        total = self._text_width()
        preferred = [int(Mm(w) / TWIP) for w in widths] if widths is not None else None
        twips = fit_widths([headers, *rows], total=total, size=size, preferred=preferred)
        align = list(align or ["c" if h in {"序号", "序"} else "l" for h in headers])
        body_rpr, head_rpr = self._rpr("fangsong", size, spacing=None), self._rpr("heiti", size, spacing=None)
        style_id = self._style_ids[STYLE_TABLE]
        line = int(size * 20 * 1.5)
        tbl = etree.SubElement(self._body, qn("w:tbl"))
        self._body_end.addprevious(tbl)
        tbl_pr = etree.SubElement(tbl, qn("w:tblPr"))
        etree.SubElement(tbl_pr, qn("w:tblW"), {qn("w:w"): str(sum(twips)), qn("w:type"): "dxa"})
        etree.SubElement(tbl_pr, qn("w:jc"), {qn("w:val"): "center"})
        borders = etree.SubElement(tbl_pr, qn("w:tblBorders"))
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            etree.SubElement(borders, qn(f"w:{side}"), {qn("w:val"): "single", qn("w:sz"): "4", qn("w:space"): "0",
                                                         qn("w:color"): "000000"})  # fmt: skip
        etree.SubElement(tbl_pr, qn("w:tblLayout"), {qn("w:type"): "fixed"})
        margins = etree.SubElement(tbl_pr, qn("w:tblCellMar"))
        for side in ("left", "right"):
            etree.SubElement(margins, qn(f"w:{side}"), {qn("w:w"): str(CELL_MARGIN), qn("w:type"): "dxa"})
        etree.SubElement(tbl_pr, qn("w:tblLook"), {qn("w:val"): "0000", qn("w:firstRow"): "0", qn("w:lastRow"): "0",
                                                   qn("w:firstColumn"): "0", qn("w:lastColumn"): "0",
                                                   qn("w:noHBand"): "1", qn("w:noVBand"): "1"})  # fmt: skip
        grid = etree.SubElement(tbl, qn("w:tblGrid"))
        for width in twips:
            etree.SubElement(grid, qn("w:gridCol"), {qn("w:w"): str(width)})
        # One prototype paragraph per alignment, copied into each cell.
        protos = {}
        for jc in ("center", "left"):
            p = OxmlElement("w:p")
            _set_style(Paragraph(p, None), style_id)
            _ppr_props(p.get_or_add_pPr(), line_twips=line, snap=False, align=jc)
            protos[jc] = p
        heights = list(heights or [])
        for r, values in enumerate([headers, *rows]):
            tr = etree.SubElement(tbl, qn("w:tr"))
            tr_pr = etree.SubElement(tr, qn("w:trPr"))
            etree.SubElement(tr_pr, qn("w:cantSplit"))
            height = heights[r] if r < len(heights) else None
            if height:
                etree.SubElement(tr_pr, qn("w:trHeight"), {qn("w:val"): str(int(Mm(height) / TWIP)),
                                                           qn("w:hRule"): "atLeast"})  # fmt: skip
            if r == 0:
                etree.SubElement(tr_pr, qn("w:tblHeader"))  # repeat the header row on every page
            rpr = head_rpr if r == 0 else body_rpr
            for c, value in enumerate(values):
                tc = etree.SubElement(tr, qn("w:tc"))
                tc_pr = etree.SubElement(tc, qn("w:tcPr"))
                etree.SubElement(tc_pr, qn("w:tcW"), {qn("w:w"): str(twips[c]), qn("w:type"): "dxa"})
                etree.SubElement(tc_pr, qn("w:vAlign"), {qn("w:val"): "center"})
                proto = protos["center" if r == 0 or align[c] == "c" else "left"]
                for text in str(value).split("\n"):
                    p = _clone(proto)
                    tc.append(p)
                    if text:
                        _append_run(p, text, rpr)
        self.blocks.append(Block("table", title or "", rows=[headers, *rows]))

    @property
    def _landscape(self) -> bool:
        return self._landscape_page

    def attachments(self, names: Sequence[str]) -> None:
        """附件说明: 正文下空一行左空二字 “附件：”; several are numbered “1. ……”, a wrapped name
        lines up with the first character of the name; no punctuation after a name."""
        names = [n.strip().rstrip("。；;，,") for n in names if n and n.strip()]
        if not names:
            return
        self.blank()
        lead = 3 * CHAR_TWIPS  # “附件：”
        if len(names) == 1:
            self._paragraph(
                STYLE_BODY,
                [("附件：" + names[0], self._rpr("fangsong"))],
                first_line=None,
                left=2 * CHAR_TWIPS + lead,
                hanging=lead,
            )
        else:
            number = int(CHAR_TWIPS * (1.5 if len(names) < 10 else 2))  # “1. ” / “10. ”
            for i, name in enumerate(names, start=1):
                text = f"{'附件：' if i == 1 else ''}{i}. {name}"
                hanging = number + (lead if i == 1 else 0)
                self._paragraph(
                    STYLE_BODY,
                    [(text, self._rpr("fangsong"))],
                    first_line=None,
                    left=2 * CHAR_TWIPS + lead + number,
                    hanging=hanging,
                )
        self.blocks.append(Block("attachments", "附件：" + "；".join(names)))

    def append_document(self, other: OfficialDocument, *, label: str = "附件") -> None:
        """An attachment printed after the body (GB/T 9704 §8.2): it starts a new page with `label`
        (“附件1”) in 3号黑体 at the top left and its own title on the third line, then its text.
        Call it after the signature and 附注 and before `imprint`. `other` is a finished document of
        the same font mode and orientation, without pictures; its 文号 line is not repeated."""
        if other.fonts != self.fonts or other._landscape != self._landscape:
            raise ValueError("an appended attachment needs the same fonts and orientation")
        elements = [el for el in other._body if el.tag != qn("w:sectPr")]
        if other._imprint is not None:  # the attachment's own 版记 is not repeated
            at = elements.index(other._imprint)
            del elements[at : at + other._imprint_lines]
        if any(el.find(f".//{qn('w:drawing')}") is not None for el in elements):
            raise ValueError("an appended attachment cannot carry pictures")
        title_style = self._style_ids[STYLE_TITLE]
        start = next((i for i, el in enumerate(elements) if el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None
                      and el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) == title_style), 0)  # fmt: skip
        self._paragraph(STYLE_BODY, [(label, self._rpr("heiti"))], first_line=0, align="left", page_break=True)
        self._new_paragraph(STYLE_BODY)
        for el in elements[start:]:
            self._body_end.addprevious(_clone(el))
        self.blocks.append(Block("attachment", f"{label}　{other.title}"))

    def imprint(self, *, issuer: str | None, date: Any, cc: Sequence[str] = ()) -> None:
        """版记 (GB/T 9704 §7.4): between black lines as wide as the text block (first and last
        0.35 mm, the one between 0.25 mm), in 4号仿宋: “抄送：” one character in with the bodies
        separated by 、 and closed by 。 (left out when nothing is recorded), then 印发机关 one
        character in and “印发日期印发” one character from the right. Held at the foot of the last
        page: its paragraphs share a frame aligned to the bottom of the text block."""
        cc = [c.strip().rstrip("。，、,;；") for c in cc if c and c.strip()]
        issuer_text, date_text = slot_text(issuer), slot_text(date) + "印发"
        width = self._text_width()
        one = IMPRINT_PT * 20
        rpr = self._rpr("fangsong", IMPRINT_PT, spacing=None)
        lines = []
        if cc:
            lines.append(("抄送：" + "、".join(cc) + "。", None))
        lines.append((issuer_text, date_text))
        first = None
        for left_text, right_text in lines:
            hanging = 3 * one if right_text is None else 0  # a wrapped 抄送 line lines up after “抄送：”
            paragraph = self._paragraph(
                STYLE_BODY,
                [(left_text + ("\t" + right_text if right_text is not None else ""), rpr)],
                first_line=0,
                left=one + hanging,
                hanging=hanging or None,
                right=one,
                align="left",
                snap=False,
            )
            ppr = paragraph._p.get_or_add_pPr()
            frame = {"w": str(width), "hAnchor": "margin", "vAnchor": "margin", "xAlign": "center",
                     "yAlign": "bottom", "wrap": "notBeside", "hSpace": "0", "vSpace": "0"}  # fmt: skip
            etree.SubElement(ppr, qn("w:framePr"), {qn(f"w:{k}"): v for k, v in frame.items()})
            border = etree.SubElement(ppr, qn("w:pBdr"))
            for side, size in (("top", 8), ("bottom", 8), ("between", 6)):
                etree.SubElement(border, qn(f"w:{side}"), {qn("w:val"): "single", qn("w:sz"): str(size),
                                                          qn("w:space"): "1", qn("w:color"): "000000"})  # fmt: skip
            if right_text is not None:
                tabs = etree.SubElement(ppr, qn("w:tabs"))
                etree.SubElement(tabs, qn("w:tab"), {qn("w:val"): "right", qn("w:pos"): str(width - one)})
            _reorder(ppr, _PPR_ORDER)
            first = first if first is not None else paragraph._p
        self._imprint = first
        self._imprint_lines = len(lines)
        self.blocks.append(Block("imprint", "\n".join(f"{a}　{b}" if b else a for a, b in lines)))

    def signature(self, unit: str | None, date: Any) -> None:
        """发文机关署名和成文日期 without a seal (GB/T 9704 §7.3.5.2): one blank line under the text;
        the unit right-aligned two characters in; the date on the next line, its first character
        two characters right of the unit's; a date longer than the unit stays two characters in and
        the unit moves left."""
        unit_text, date_text = slot_text(unit), slot_text(date)
        unit_w, date_w = display_width(unit_text), display_width(date_text)
        unit_right = 2.0
        date_right = unit_right + unit_w - date_w - 2
        if date_right < 2:
            date_right = 2.0
            unit_right = date_right + date_w + 2 - unit_w
        # Never a page holding only the signature (GB/T 9704 §7.3.5): the text's last paragraph, the
        # blank line and the unit's name keep with the date.
        last = self._body_end.getprevious()
        if last is not None and last.tag == qn("w:p"):
            ppr = last.get_or_add_pPr()
            _child(ppr, "w:keepNext")
            _reorder(ppr, _PPR_ORDER)
        self._new_paragraph(STYLE_BODY, keep_next=True)
        self.blocks.append(Block("blank", ""))
        # The unit's name is kept on the page of its date: a signature is never split over two pages.
        for text, right, keep in ((unit_text, unit_right, True), (date_text, date_right, False)):
            self._paragraph(
                STYLE_BODY,
                [(text, self._rpr("fangsong"))],
                first_line=0,
                align="right",
                right=int(round(right * CHAR_TWIPS)),
                keep_next=keep,
            )
        self.blocks.append(Block("signature", f"{unit_text}\n{date_text}"))

    def picture(self, image: bytes | IO[bytes], *, width_mm: float, caption: str = "", align: str = "center") -> None:
        """An image (a QR code, a chart) in a paragraph of its own, `width_mm` wide, centred by
        default, with an optional caption line under it. The paragraph's line height follows the
        picture (the body's exact 28.95 pt would crop it) and snaps to the grid, so the text after
        it stays on the 22-line grid."""
        stream = io.BytesIO(image) if isinstance(image, bytes) else image
        paragraph = self._paragraph(STYLE_BODY, [], first_line=0, align=align)
        spacing = paragraph._p.pPr.find(qn("w:spacing"))
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
        paragraph.add_run().add_picture(stream, width=Mm(width_mm))
        if caption:
            self._paragraph(STYLE_BODY, [(caption, self._rpr("fangsong"))], first_line=0, align=align)
        self.blocks.append(Block("picture", caption))

    def note(self, text: str) -> None:
        """附注 (联系人、电话 …): left two characters in, in round brackets, under the date."""
        text = text.strip()
        if not text.startswith("（"):
            text = f"（{text}）"
        self._paragraph(STYLE_BODY, [(text, self._rpr("fangsong"))])
        self.blocks.append(Block("paragraph", text))

    # --- output
    @property
    def editable(self) -> list[Block]:
        return [b for b in self.blocks if b.key]

    @property
    def missing(self) -> int:
        """How many 【待补充】 the document prints."""
        return sum(b.missing for b in self.blocks)

    def text(self) -> str:
        """The document as plain text (title, headings, paragraphs, table cells)."""
        out = []
        for b in self.blocks:
            if b.rows is not None:
                out.extend("\t".join(row) for row in b.rows)
            else:
                out.append(b.lead + b.text)
        return "\n".join(out)

    @property
    def docx(self):
        """The python-docx Document, for tests and for builders that need something unusual."""
        return self._doc

    def to_bytes(self) -> bytes:
        """The .docx: the prepared package's shared parts as compressed once, plus this document's
        own (its body, core properties, pictures, the content types and relationships). A shared part
        something changed is written the ordinary way (python-docx's save)."""
        package = self._doc.part.package
        parts = list(package.iter_parts())
        static = self._prepared.static
        names = {str(p.partname) for p in parts}
        shared_intact = static <= names and all(
            p.untouched for p in parts if str(p.partname) in static and isinstance(p, _LazyXmlPart)
        )
        buffer = io.BytesIO()
        if not shared_intact:
            self._doc.save(buffer)
            return buffer.getvalue()
        for part in parts:
            part.before_marshal()
        buffer.write(self._prepared.static_zip)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", _ContentTypesItem.from_parts(parts).blob)
            z.writestr("_rels/.rels", package.rels.xml)
            for part in parts:
                if str(part.partname) not in static:
                    z.writestr(part.partname.membername, part.blob)
                    if len(part.rels):
                        z.writestr(part.partname.rels_uri.membername, part.rels.xml)
        return buffer.getvalue()


TITLE_CELLS = 20  # 2号 characters on a 156 mm line
_TITLE_BREAKS = ("领导班子", "民主生活会", "关于", "党组", "党委", "年度", "的")


def balance_title(line: str, cells: int = TITLE_CELLS) -> list[str]:
    """A title line too long for one line, cut into lines of nearly equal length (GB/T 9704:
    梯形或菱形, words kept whole): each cut moves to the nearest end of a common word when one is
    within three characters."""
    width = display_width(line)
    if width <= cells:
        return [line]
    parts = -(-int(width) // cells)
    target = width / parts
    ends = {m.start() + len(w) for w in _TITLE_BREAKS for m in _finditer(line, w)}
    out, rest = [], line
    for _ in range(parts - 1):
        acc, cut = 0.0, len(rest)
        for i, ch in enumerate(rest):
            acc += display_width(ch)
            if acc >= target:
                cut = i + 1
                break
        offset = len(line) - len(rest)
        near = [e - offset for e in ends if 0 < e - offset < len(rest) and abs(e - offset - cut) <= 3]
        near = [n for n in near if display_width(rest[:n]) <= cells]
        if near:
            cut = min(near, key=lambda n: (abs(n - cut), -n))
        out.append(rest[:cut])
        rest = rest[cut:]
    return [*out, rest] if rest else out


def _finditer(text: str, word: str):
    return re.finditer(re.escape(word), text)


def _set_style(paragraph: Paragraph, style_id: str) -> Paragraph:
    ppr = paragraph._p.get_or_add_pPr()
    _child(ppr, "w:pStyle", val=style_id)
    _reorder(ppr, _PPR_ORDER)
    return paragraph


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


# --- table columns from their content ------------------------------------------------------------
TWIP = 635  # EMU
CELL_MARGIN = 85  # twips each side of a cell's text (1.5 mm)
# What must never break inside a cell: a date (2026年1月5日, 2026年6月30日前, 1月5日, 2026-01-05), a
# number with its unit, 【待补充】, and any run of 2–4 CJK characters standing alone between
# punctuation or spaces (a name: 张明、李华; a state: 已销号).
_UNBREAKABLE = re.compile(
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?前?|\d{1,2}月\d{1,2}日前?|\d{4}[-./]\d{1,2}(?:[-./]\d{1,2})?"
    r"|【待补充】|[0-9A-Za-z.%]+[条项个份人名次天%]?|[\u4e00-\u9fff]{2}同志"
)
_SEPARATORS = re.compile(r"[\s、，,；;：:。（）()“”\"/]+")


_SCRIPT_CHANGE = re.compile(r"(?<=[0-9A-Za-z])(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])(?=[0-9A-Za-z])")


def cell_width(text: str) -> float:
    """Display width as Word and LibreOffice set it in a cell: a quarter character more wherever
    digits or Latin letters meet CJK (their automatic spacing, “2026 年 1 月”)."""
    return display_width(text) + 0.25 * len(_SCRIPT_CHANGE.findall(text))


def unbreakable_width(text: str) -> float:
    """Width (`cell_width`) of the longest part of `text` that must stay on one line."""
    widest = 0.0
    for line in text.split("\n"):
        for m in _UNBREAKABLE.finditer(line):
            widest = max(widest, cell_width(m.group()))
        for part in _SEPARATORS.split(line):
            if 2 <= len(part) <= 4 and all(unicodedata.east_asian_width(ch) in "WF" for ch in part):
                widest = max(widest, display_width(part))
    return widest


def fit_widths(
    rows: Sequence[Sequence[str]], *, total: int, size: float, preferred: Sequence[int] | None = None
) -> list[int]:
    """Column widths in twips summing to `total`, from the cells' display width at `size` pt (the
    header row included): a column never narrower than its longest unbreakable part (unless even
    those do not fit together); columns that fit in their fair share get their natural width, the
    others share what is left in proportion to what they lack (the CSS automatic table layout).
    `preferred` widths (twips) raise a column's natural width (room to write in)."""
    columns = len(rows[0])
    em = size * 20 * 1.04  # a CJK character in twips, with a little room for the renderer's rounding
    pad = 2 * CELL_MARGIN + 20
    lo = [pad + em * max(unbreakable_width(str(row[c])) for row in rows) for c in range(columns)]
    hi = [
        pad + em * max(display_width(line) for row in rows for line in str(row[c]).split("\n")) for c in range(columns)
    ]
    hi = [max(h, low, preferred[c] if preferred else 0) for c, (h, low) in enumerate(zip(hi, lo, strict=True))]
    if sum(hi) <= total:
        scale = total / sum(hi)
        widths = [h * scale for h in hi]
    elif sum(lo) >= total:
        scale = total / sum(lo)
        widths = [low * scale for low in lo]
    else:
        widths = [0.0] * columns
        left, rest = float(total), list(range(columns))
        # Narrow columns first: each that fits its share of what is left gets its natural width.
        for c in sorted(rest, key=lambda c: hi[c]):
            others_min = sum(lo[o] for o in rest if o != c)
            if hi[c] <= left / len(rest) and hi[c] <= left - others_min:
                widths[c] = hi[c]
                left -= hi[c]
                rest.remove(c)
            else:
                break
        lack = sum(hi[c] - lo[c] for c in rest)
        spare = left - sum(lo[c] for c in rest)
        for c in rest:
            widths[c] = lo[c] + (spare * (hi[c] - lo[c]) / lack if lack else spare / len(rest))
    out = [int(w) for w in widths]
    out[max(range(columns), key=lambda c: out[c])] += total - sum(out)
    return out


__all__ = ["Block", "OfficialDocument", "display_width", "set_fonts"]
