"""查重 benchmark: a synthetic corpus built from the year configurations' aspects and the seed
materials' sentences, with planted copies (verbatim, clauses reordered, names and dates changed,
partly rewritten). Prints the index build time, the query time for one material (goal < 100 ms)
and the precision and recall of the LSH path against an exact all-pairs Jaccard (≥ 0.5) on a
sample (goal ≥ 0.95 each).

It drives the engine the app uses (`mingjing.originality.engine`: normalisation, masks, 5-gram
shingles, datasketch MinHash, the same LSH band keys, exact verification with rapidfuzz spans)
over an in-memory key → paragraphs map in place of the database's BandKey table, so the database
round trip is not measured here.

The issue's goal is 100,000 materials; the default corpus is smaller so that the run takes a
couple of minutes on 2 cores — it prints the size it used. `--materials N` sets another size.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mingjing.originality import engine  # noqa: E402  (pure Python, no Django needed)

GOAL_MATERIALS = 100_000
GOAL_SAMPLE = 5_000
GOAL_QUERY_MS = 100
GOAL_PR = 0.95
PARAGRAPHS = 12  # per material
NAMES = ["张明", "李华", "王强", "赵敏", "刘洋", "陈静", "杨帆", "周涛", "吴刚", "郑洁"]


def vocabulary(rng: random.Random) -> tuple[list[str], list[str]]:
    """Words (2–4 characters) cut from the aspects and the seeds, and the aspects' texts."""
    presets = json.loads((ROOT / "mingjing/yearconfigs/presets.json").read_text(encoding="utf-8"))["presets"]
    aspects = [a["title"] + "。" + a["text"] for p in presets for a in p["aspects"]]
    texts = aspects + [p["theme"] for p in presets]
    seeds = ROOT.parent / "shared" / "seeds"
    if seeds.is_dir():
        texts += [f.read_text(encoding="utf-8", errors="ignore") for f in sorted(seeds.glob("*.txt"))]
    runs = re.findall(r"[\u4e00-\u9fff]+", "".join(texts))
    words: set[str] = set()
    for run in runs:
        i = 0
        while i < len(run) - 1:
            n = rng.choice((2, 2, 3, 4))
            words.add(run[i : i + n])
            i += n
    return sorted(w for w in words if len(w) >= 2), aspects


def sentence(rng: random.Random, words: list[str]) -> str:
    clauses = []
    for _ in range(rng.randint(3, 5)):
        clauses.append("".join(rng.choice(words) for _ in range(rng.randint(4, 7))))
    return "，".join(clauses) + "。"


def with_facts(rng: random.Random, text: str) -> str:
    name, year, month = rng.choice(NAMES), rng.randint(2019, 2025), rng.randint(1, 12)
    return f"{name}同志在{year}年{month}月" + text + f"共{rng.randint(2, 30)}次。"


def reorder(rng: random.Random, text: str) -> str:
    clauses = text.rstrip("。").split("，")
    rng.shuffle(clauses)
    return "，".join(clauses) + "。"


def change_facts(rng: random.Random, text: str) -> str:
    text = re.sub("|".join(NAMES), lambda m: rng.choice(NAMES), text)
    return re.sub(r"\d+", lambda m: str(rng.randint(1, 2030)), text)


def rewrite(rng: random.Random, text: str, words: list[str], share: float) -> str:
    clauses = text.rstrip("。").split("，")
    for i in range(len(clauses)):
        if rng.random() < share:
            clauses[i] = "".join(rng.choice(words) for _ in range(rng.randint(4, 7)))
    return "，".join(clauses) + "。"


def corpus(n: int, rng: random.Random) -> tuple[list[list[str]], list[str]]:
    words, aspects = vocabulary(rng)
    materials: list[list[str]] = []
    for m in range(n):
        paras = [rng.choice(aspects).split("。")[0]]  # an aspect heading: excluded, never a match
        paras += [with_facts(rng, sentence(rng, words)) for _ in range(PARAGRAPHS - 1)]
        if m > 10 and rng.random() < 0.2:  # a copier: some paragraphs of an earlier material
            source = materials[rng.randrange(m)]
            for k in rng.sample(range(1, PARAGRAPHS), 4):
                original = rng.choice(source[1:])
                paras[k] = rng.choice(
                    [
                        lambda t: t,
                        lambda t: reorder(rng, t),
                        lambda t: change_facts(rng, t),
                        lambda t: rewrite(rng, t, words, 0.2),
                        lambda t: rewrite(rng, t, words, 0.4),
                    ]
                )(original)
        materials.append(paras)
    return materials, aspects


class MemoryIndex:
    def __init__(self, excluded: frozenset[int]) -> None:
        self.excluded = excluded
        self.keys: dict[int, list[int]] = defaultdict(list)
        self.owner: list[int] = []
        self.kept: list[set[int]] = []
        self.sig: list[bytes] = []
        self.raw: list[str] = []
        self.norm: list[str] = []

    def prepare(self, text: str) -> list[engine.Paragraph]:
        return engine.paragraphs(text, names=engine.mask_terms(NAMES), excluded=self.excluded)

    def add(self, material: int, text: str) -> None:
        for p in self.prepare(text):
            if not p.comparable:
                continue
            sig = engine.signature(p.kept)
            pid = len(self.owner)
            self.owner.append(material)
            self.kept.append(p.kept)
            self.sig.append(engine.signature_bytes(sig))
            self.raw.append(p.raw)
            self.norm.append(p.norm.text)
            for key in engine.band_keys(sig):
                self.keys[key].append(pid)

    def query(self, material: int, text: str) -> list[tuple[int, int, engine.Verdict]]:
        """What the report does for one material: candidates, exact verdicts, copied spans."""
        found = []
        for p in self.prepare(text):
            if not p.comparable:
                continue
            candidates = set()
            for key in engine.band_keys(engine.signature(p.kept)):
                candidates.update(self.keys.get(key, ()))
            for c in candidates:
                if self.owner[c] == material:
                    continue
                verdict = engine.verify(p.kept, self.kept[c], p.norm.text, self.norm[c], suspect=0.5, high=0.7)
                if verdict:
                    engine.matching_blocks(p.norm.text, self.norm[c])
                    found.append((p.index, c, verdict))
        return found


def exact_pairs(index: MemoryIndex, pids: list[int], threshold: float) -> set[tuple[int, int]]:
    """All pairs (across materials) with Jaccard ≥ threshold, exactly, via an inverted index."""
    postings: dict[int, list[int]] = defaultdict(list)
    for pid in pids:
        for h in index.kept[pid]:
            postings[h].append(pid)
    common: Counter[tuple[int, int]] = Counter()
    for ids in postings.values():
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                common[(ids[i], ids[j])] += 1
    out = set()
    for (a, b), n in common.items():
        if index.owner[a] != index.owner[b] and n / (len(index.kept[a]) + len(index.kept[b]) - n) >= threshold:
            out.add((a, b))
    return out


def verdict(value: float, goal: float, higher: bool = True) -> str:
    return "PASS" if (value >= goal if higher else value < goal) else "MISS"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--materials", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    materials, aspects = corpus(args.materials, rng)
    excluded = engine.excluded_shingles(aspects)
    texts = ["\n".join(paras) for paras in materials]

    start = time.perf_counter()
    # Boilerplate, as the app's ShingleCount: shingles found in at least 10 materials are excluded.
    df: Counter[int] = Counter()
    names = engine.mask_terms(NAMES)
    for text in texts:
        df.update({h for line in text.splitlines() for h in engine.shingles(engine.normalize(line, names=names).text)})
    boilerplate = frozenset(h for h, n in df.items() if n >= 10)
    index = MemoryIndex(excluded | boilerplate)
    for m, text in enumerate(texts):
        index.add(m, text)
    build = time.perf_counter() - start
    paragraphs = len(index.owner)
    print(
        f"查重 corpus: {len(texts):,} materials, {paragraphs:,} comparable paragraphs "
        f"(goal: {GOAL_MATERIALS:,} materials — measured a smaller corpus)"
        if len(texts) < GOAL_MATERIALS
        else f"查重 corpus: {len(texts):,} materials, {paragraphs:,} comparable paragraphs"
    )
    print(f"index build: {build:.1f} s ({build / paragraphs * 1000:.2f} ms per paragraph)")

    times = []
    for m in rng.sample(range(len(texts)), 30):
        t0 = time.perf_counter()
        index.query(m, texts[m])
        times.append((time.perf_counter() - t0) * 1000)
    median = statistics.median(times)
    print(
        f"query one material ({PARAGRAPHS} paragraphs): median {median:.1f} ms, max {max(times):.1f} ms; "
        f"goal < {GOAL_QUERY_MS} ms: {verdict(median, GOAL_QUERY_MS, higher=False)}"
    )

    sample_materials = min(GOAL_SAMPLE, len(texts))
    pids = [pid for pid in range(paragraphs) if index.owner[pid] < sample_materials]
    in_sample = set(pids)
    t0 = time.perf_counter()
    truth = exact_pairs(index, pids, 0.5)
    exact_time = time.perf_counter() - t0
    verified, estimated = set(), set()
    for a in pids:
        candidates = set()
        for key in engine.band_keys(engine.signature(index.kept[a])):
            candidates.update(index.keys[key])
        for b in candidates:
            if b <= a or b not in in_sample or index.owner[a] == index.owner[b]:
                continue
            inter = len(index.kept[a] & index.kept[b])
            if inter / (len(index.kept[a]) + len(index.kept[b]) - inter) >= 0.5:
                verified.add((a, b))
            if engine.estimated_jaccard(index.sig[a], index.sig[b]) >= 0.5:
                estimated.add((a, b))
    recall = len(verified & truth) / len(truth) if truth else 1.0
    precision = len(verified & truth) / len(verified) if verified else 1.0
    est_recall = len(estimated & truth) / len(truth) if truth else 1.0
    est_precision = len(estimated & truth) / len(estimated) if estimated else 1.0
    print(
        f"sample: {sample_materials:,} materials ({len(pids):,} paragraphs), {len(truth):,} pairs with exact "
        f"Jaccard ≥ 0.5 (exact all-pairs {exact_time:.1f} s); LSH {engine.BANDS}×{engine.ROWS}, {engine.NUM_PERM} perms"
    )
    print(f"LSH candidates, verified exactly: recall {recall:.3f} goal ≥ {GOAL_PR}: {verdict(recall, GOAL_PR)}")
    print(
        f"LSH candidates, verified exactly: precision {precision:.3f} goal ≥ {GOAL_PR}: {verdict(precision, GOAL_PR)}"
        " (exact verification: by construction)"
    )
    print(
        f"LSH candidates, MinHash estimate ≥ 0.5 without verification: recall {est_recall:.3f} "
        f"{verdict(est_recall, GOAL_PR)}, precision {est_precision:.3f} {verdict(est_precision, GOAL_PR)}"
    )


if __name__ == "__main__":
    main()
