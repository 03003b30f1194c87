"""A synthetic corpus of realistic prose, for measuring the application at scale.

Words are drawn with the frequencies they have in the essay, and paragraph lengths
from the essay's own paragraphs, with a fixed seed: the same corpus every time.
Each document is clean text (a title line, then paragraphs separated by blank lines)
so that it goes through the same builder and cleaning as any folder of texts.

    python -m tests.benchmarks.corpus OUT_DIR [PASSAGES] [DOCUMENTS]
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from pathlib import Path

from desktop.archive.store import Archive

ROOT = Path(__file__).resolve().parents[2]
SEED = 1922
BIG_DOCUMENT = 5_000  # paragraphs in one document, to measure opening a long one


def essay_statistics() -> tuple[list[str], list[int], list[int]]:
    """Words with their counts, and paragraph lengths in words, from the essay."""
    with Archive(ROOT / "archive.db") as archive:
        paragraphs = [p.text for p in archive.passages("essay") if p.kind == "paragraph"]
    words = Counter(w for text in paragraphs for w in re.findall(r"[\w’'-]+", text))
    vocabulary = list(words)
    return vocabulary, [words[w] for w in vocabulary], [len(p.split()) for p in paragraphs]


def generate(out: Path, passages: int = 1_000_000, documents: int = 10_000) -> None:
    rng = random.Random(SEED)
    vocabulary, weights, lengths = essay_statistics()
    cumulative = []
    total = 0
    for weight in weights:
        total += weight
        cumulative.append(total)
    out.mkdir(parents=True, exist_ok=True)
    big = min(BIG_DOCUMENT, passages // 2)
    rest = passages - big
    per_document = max(1, rest // max(1, documents - 1))
    for number in range(documents):
        count = big if number == documents // 2 else per_document
        title = " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=4)).capitalize()
        lines = [f"{title} {number}", ""]
        for _ in range(count):
            words = rng.choices(vocabulary, cum_weights=cumulative, k=rng.choice(lengths))
            words[0] = words[0].capitalize()
            if rng.random() < 0.15:  # now and then a quotation, as in the essay
                at = rng.randrange(len(words))
                words[at] = f"“{words[at]}”"
            lines += [" ".join(words) + ".", ""]
        (out / f"doc-{number:05d}.txt").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    generate(Path(sys.argv[1]), *(int(a) for a in sys.argv[2:4]))
