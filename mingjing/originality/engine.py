"""The 查重 engine: pure functions, no database (the index in `mingjing.originality.index` stores
what they compute; the benchmark drives them directly).

A material is split into paragraphs (one per line). Each paragraph is normalised — NFKC, names,
units, dates and numbers replaced by one mask character each, 【待补充】 markers dropped,
punctuation and spaces removed — keeping for every normalised character the span of the raw text
it came from, so a match found on normalised text is highlighted in the raw one. Character 5-gram
shingles are hashed to 64 bits; a MinHash signature (datasketch, 128 permutations) of the kept
shingles is cut into bands (LSH, 42 bands of 3 rows: tuned by datasketch for a 0.3 threshold,
below the 0.5 decision threshold) whose keys find candidate paragraphs. Candidates are verified
exactly: Jaccard of the kept shingle sets (≥ SUSPECT / ≥ HIGH), or containment of a short
passage in a longer one confirmed by rapidfuzz's partial ratio; the copied spans are rapidfuzz's
matching blocks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from hashlib import blake2b

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

K = 5  # shingle length (characters)
NUM_PERM = 128
LSH_THRESHOLD = 0.3
# datasketch's optimiser for the LSH threshold, weighing a missed copy more than a needless check.
BANDS, ROWS = _optimal_param(LSH_THRESHOLD, NUM_PERM, 0.3, 0.7)
MIN_SHINGLES = 8  # a paragraph with fewer kept shingles (about 12 characters) is not compared
MIN_BLOCK = 4  # matching blocks shorter than this (normalised characters) are not highlighted

MASK_NAME, MASK_UNIT, MASK_DATE, MASK_NUMBER = "\ue000", "\ue001", "\ue002", "\ue003"
MASKS = {MASK_NAME, MASK_UNIT, MASK_DATE, MASK_NUMBER}
MISSING = re.compile(r"【[^】]{0,20}】")
DATE = (
    r"\d{2,4}年(?:\d{1,2}月(?:\d{1,2}[日号])?)?(?:度)?|\d{1,2}月\d{1,2}[日号]|\d{1,2}月份?"
    r"|[〇零一二三四五六七八九]{4}年(?:度)?|[一二三四五六七八九十]{1,3}月(?:[一二三四五六七八九十]{1,3}[日号])?"
)
NUMBER = r"\d+(?:\.\d+)?%?|[零一二三四五六七八九十百千万两]+(?=[个次项条名人件天份余多批场篇届期轮])"


@dataclass(frozen=True)
class Norm:
    """A normalised paragraph: its text and, per character, the raw span [start, end)."""

    text: str
    spans: tuple[tuple[int, int], ...]


@lru_cache(maxsize=64)
def _pattern(names: tuple[str, ...], units: tuple[str, ...]) -> re.Pattern:
    parts = []
    if units:
        parts.append("(?P<u>" + "|".join(re.escape(u) for u in units) + ")")
    if names:
        parts.append("(?P<n>" + "|".join(re.escape(n) for n in names) + ")")
    parts.append(f"(?P<d>{DATE})")
    parts.append(f"(?P<x>{NUMBER})")
    return re.compile("|".join(parts))


def mask_terms(values: Iterable[str]) -> tuple[str, ...]:
    """Names or units to mask, NFKC-normalised, longest first (so a unit's full name wins)."""
    found = {unicodedata.normalize("NFKC", v).strip() for v in values}
    return tuple(sorted((v for v in found if len(v) >= 2), key=lambda v: (-len(v), v)))


def _kept(ch: str) -> bool:
    if ch in MASKS:
        return True
    return unicodedata.category(ch)[0] not in "PZSC"


def normalize(raw: str, *, names: tuple[str, ...] = (), units: tuple[str, ...] = ()) -> Norm:
    chars: list[tuple[str, int, int]] = []
    for i, ch in enumerate(raw):
        for c in unicodedata.normalize("NFKC", ch):
            chars.append((c.lower(), i, i + 1))
    text = "".join(c for c, _, _ in chars)
    # Drop 【待补充】-style markers, then mask.
    keep = [True] * len(chars)
    for m in MISSING.finditer(text):
        for j in range(m.start(), m.end()):
            keep[j] = False
    out: list[tuple[str, int, int]] = []
    pos = 0
    mark = {"u": MASK_UNIT, "n": MASK_NAME, "d": MASK_DATE, "x": MASK_NUMBER}
    for m in _pattern(names, units).finditer(text):
        out += [chars[j] for j in range(pos, m.start()) if keep[j]]
        span = [j for j in range(m.start(), m.end()) if keep[j]]
        if span:
            out.append((mark[m.lastgroup], chars[span[0]][1], chars[span[-1]][2]))
        pos = m.end()
    out += [chars[j] for j in range(pos, len(chars)) if keep[j]]
    out = [c for c in out if _kept(c[0])]
    return Norm("".join(c for c, _, _ in out), tuple((a, b) for _, a, b in out))


def shingle_hash(gram: str) -> int:
    """A signed 64-bit hash (fits a database BigInteger)."""
    return int.from_bytes(blake2b(gram.encode(), digest_size=8).digest(), "big", signed=True)


def shingles(text: str) -> list[int]:
    """Hashes of the character 5-grams, in order (one per start position)."""
    return list(text_shingles(text))


# Remembered per process: a review page compares the same paragraphs, and its sources', at every
# view. Both are pure functions of their arguments; the results are tuples nobody can change.
# Sized for a few materials' paragraphs (a paragraph's spans weigh about as much as its text × 50).
@lru_cache(maxsize=2048)
def text_shingles(text: str) -> tuple[int, ...]:
    return tuple(shingle_hash(text[i : i + K]) for i in range(len(text) - K + 1))


@lru_cache(maxsize=1024)
def normalized(raw: str, names: tuple[str, ...] = (), units: tuple[str, ...] = ()) -> tuple[Norm, tuple[int, ...]]:
    """A paragraph normalised (`normalize`) and its shingles (`shingles`)."""
    norm = normalize(raw, names=names, units=units)
    return norm, text_shingles(norm.text)


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    return MinHash(num_perm=NUM_PERM, seed=1).permutations


def _low32(value: int) -> int:
    return value & 0xFFFFFFFF


def signature(hashes: Iterable[int]) -> np.ndarray:
    m = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_low32, permutations=_permutations())
    m.update_batch(list(hashes))
    return m.hashvalues


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per LSH band: paragraphs sharing a key are candidates."""
    keys = []
    for b in range(BANDS):
        chunk = sig[b * ROWS : (b + 1) * ROWS].astype(np.uint64).tobytes() + bytes([b])
        keys.append(int.from_bytes(blake2b(chunk, digest_size=8).digest(), "big", signed=True))
    return keys


@lru_cache(maxsize=4096)
def kept_band_keys(kept: frozenset[int]) -> tuple[int, ...]:
    """The band keys of a paragraph's kept shingles, remembered (a pure function of them): a material's
    report is shown far more often than its text changes, and the MinHash costs 40 µs a paragraph."""
    return tuple(band_keys(signature(kept)))


def signature_bytes(sig: np.ndarray) -> bytes:
    return sig.astype(np.uint64).tobytes()


def estimated_jaccard(a: bytes, b: bytes) -> float:
    x, y = np.frombuffer(a, dtype=np.uint64), np.frombuffer(b, dtype=np.uint64)
    return float(np.count_nonzero(x == y)) / len(x)


# --- paragraphs ----------------------------------------------------------------------------------


@dataclass
class Paragraph:
    index: int  # line number in the material's text (0-based, empty lines counted)
    raw: str
    norm: Norm
    hashes: list[int]  # every shingle, by start position
    kept: set[int] = field(default_factory=set)  # shingles left after the exclusions

    @property
    def comparable(self) -> bool:
        return len(self.kept) >= MIN_SHINGLES


def keep(hashes: Sequence[int], excluded: frozenset[int] | set[int]) -> set[int]:
    """The shingles that share no character with an excluded shingle of the same paragraph (so the
    joins between excluded phrases are dropped too)."""
    if not excluded:
        return set(hashes)
    bad = [False] * (len(hashes) + K)
    for i, h in enumerate(hashes):
        if h in excluded:
            for j in range(i, i + K):
                bad[j] = True
    return {h for i, h in enumerate(hashes) if not any(bad[i : i + K])}


def paragraphs(
    text: str, *, names: tuple[str, ...] = (), units: tuple[str, ...] = (), excluded: frozenset[int] = frozenset()
) -> list[Paragraph]:
    out = []
    for i, line in enumerate(text.splitlines()):
        raw = line.strip()
        if not raw:
            continue
        norm, hashes = normalized(raw, names, units)
        out.append(Paragraph(i, raw, norm, list(hashes), keep(hashes, excluded)))
    return out


def excluded_shingles(texts: Iterable[str], *, names=(), units=()) -> frozenset[int]:
    """Shingles of texts every material may repeat (the year's theme, the aspects' texts)."""
    found: set[int] = set()
    for text in texts:
        for line in text.splitlines():
            found.update(normalized(line, tuple(names), tuple(units))[1])
    return frozenset(found)


# --- verification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    score: float  # Jaccard, or containment for a contained passage
    kind: str  # "similar" | "contained" | "verbatim"
    level: str  # "suspect" | "high"


def verify(q_kept: set[int], s_kept: set[int], q_text: str, s_text: str, *, suspect: float, high: float):
    """The exact check of one candidate pair: a Verdict, or None when it is not a copy."""
    if len(q_kept) < MIN_SHINGLES or len(s_kept) < MIN_SHINGLES:
        return None
    common = len(q_kept & s_kept)
    if not common:
        return None
    jac = common / len(q_kept | s_kept)
    if jac >= suspect:
        kind = "verbatim" if fuzz.ratio(q_text, s_text) >= 95 else "similar"
        return Verdict(jac, kind, "high" if jac >= high else "suspect")
    # A short passage taken whole into a longer paragraph (or a long one cut down).
    contained = common / min(len(q_kept), len(s_kept))
    if contained >= high and fuzz.partial_ratio(q_text, s_text) >= 85:
        return Verdict(contained, "contained", "high" if contained >= 0.9 else "suspect")
    return None


def matching_blocks(a: str, b: str) -> list[tuple[int, int, int]]:
    """(start in a, start in b, length) of the common runs of at least MIN_BLOCK characters."""
    blocks = []
    for op in Indel.opcodes(a, b):
        if op.tag == "equal" and op.src_end - op.src_start >= MIN_BLOCK:
            blocks.append((op.src_start, op.dest_start, op.src_end - op.src_start))
    return blocks


def covered_positions(p: Paragraph, blocks: Sequence[tuple[int, int, int]], side: int = 0) -> set[int]:
    """Normalised positions of `p` inside the blocks, less those only in excluded shingles."""
    live: set[int] = set()
    for start, h in enumerate(p.hashes):
        if h in p.kept:
            live.update(range(start, start + K))
    out: set[int] = set()
    for block in blocks:
        start, length = block[side], block[2]
        out.update(i for i in range(start, start + length) if i in live)
    return out


def raw_marks(norm: Norm, positions: Iterable[int]) -> list[tuple[int, int]]:
    """Merge normalised positions into raw [start, end) spans (adjacent raw spans joined)."""
    spans = sorted(norm.spans[i] for i in positions)
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def highlight(raw: str, marks: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The raw text cut into (piece, marked) for a template."""
    out, pos = [], 0
    for a, b in marks:
        if a > pos:
            out.append((raw[pos:a], False))
        out.append((raw[a:b], True))
        pos = b
    if pos < len(raw):
        out.append((raw[pos:], False))
    return out
