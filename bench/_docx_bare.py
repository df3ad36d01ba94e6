"""A bare python-docx write of a document's paragraphs, measured interleaved with the real build:
the yardstick of issue 15 point 1 (documents within 2× of python-docx itself)."""

from __future__ import annotations

import io
import statistics
import time

RATIO_GOAL = 2.0  # × a bare python-docx write of the same paragraphs


def bare_write(texts: list[str]) -> bytes:
    from docx import Document

    document = Document()
    for text in texts:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def paragraphs_of(doc) -> list[str]:
    """The paragraphs an OfficialDocument printed; a table row as one tab-separated paragraph."""
    out = []
    for block in doc.blocks:
        if block.rows is not None:
            out.extend("\t".join(row) for row in block.rows)
        else:
            out.extend((block.lead + block.text).split("\n"))
    return out


def interleaved(build, texts: list[str], runs: int = 15) -> tuple[float, float, float]:
    """Median seconds of `build()`, of the bare write, and the median of the per-run ratios."""
    ours, bare, ratios = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        build()
        middle = time.perf_counter()
        bare_write(texts)
        end = time.perf_counter()
        ours.append(middle - start)
        bare.append(end - middle)
        ratios.append((middle - start) / (end - middle))
    return statistics.median(ours), statistics.median(bare), statistics.median(ratios)
