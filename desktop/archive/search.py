"""Full-text search over the archive that no input can break.

A person types whatever they like; :func:`to_match` turns it into an FTS5 query
made only of quoted phrases, so FTS5's own syntax (``AND``, ``NEAR``, ``:``,
``-``, brackets, a lone ``"``) is never interpreted. What the person can use:

* words, all of which must appear (``communist party``);
* phrases in double quotes, straight or curly (``"ranks and tops"``);
* prefixes with a trailing ``*`` (``prolet*``);
* hyphenated words and numbers, searched as the phrase they are
  (``non-party``, ``rank-and-file``, ``1920-24``).
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# Bounds on the work one query can ask of FTS5: each token of a phrase is one more
# position list to walk in step for every candidate passage, so a 500-character
# hyphenated word (a phrase of 250 tokens) took seconds on a million passages.
MAX_QUERY_CHARS = 500
MAX_TERMS = 32
MAX_TOKENS = 32  # in the whole query
MAX_PHRASE_TOKENS = 12  # longer phrases are searched by their first words
MAX_TOKEN_CHARS = 64  # longer than any word of a natural language
# The characters FTS5's unicode61 tokenizer keeps in a token: letters and digits.
_TOKEN = re.compile(r"[^\W_]+")
_TERM = re.compile(r'["“”„«»]([^"“”„«»]*)["“”„«»]?|(\S+)')
HIT_START = "\x02"
HIT_END = "\x03"


@dataclass(frozen=True)
class Hit:
    """One passage that matches, with the matched spans of its text."""

    passage_id: str
    document_id: str
    document_title: str
    paragraph: int | None
    kind: str
    snippet: str  # with HIT_START/HIT_END around matched words
    n: int  # the passage's row, to find its matched words when it is opened


@dataclass(frozen=True)
class Results:
    query: str
    total: int  # how many passages match, counted up to COUNT_LIMIT
    hits: list[Hit]
    stopped: bool = False  # interrupted, or past its budget of work: nothing to show

    @property
    def counted_all(self) -> bool:
        return self.total < COUNT_LIMIT


# Counting every match of a common word in a million passages takes longer than a
# keystroke may: past this many, the count says "more than".
COUNT_LIMIT = 1000
PAGE = 100
# A search that runs longer than this is stopped, whatever was typed. On a million
# passages the slowest of the benchmark's 200 searches takes 0.1 s; the longest
# phrases of common words that MAX_PHRASE_TOKENS allows, about 1.5 s. The bound is
# on time because SQLite's count of steps does not see the work FTS5 does inside
# one step (walking the position lists of a phrase).
MAX_SECONDS = 1.0
_STEPS_PER_CALL = 1_000


def to_match(text: str) -> str:
    """Turn what a person typed into a safe FTS5 MATCH expression ('' for nothing)."""
    terms: list[str] = []
    room = MAX_TOKENS
    for m in _TERM.finditer(text[:MAX_QUERY_CHARS]):
        phrase, word = m.group(1), m.group(2)
        raw = phrase if phrase is not None else word
        tokens = [t[:MAX_TOKEN_CHARS] for t in _TOKEN.findall(raw)]
        if not tokens:
            continue
        # A cut phrase loses its tail, so a prefix star no longer belongs to its last word.
        prefix = raw.rstrip().endswith("*") and len(tokens) <= min(MAX_PHRASE_TOKENS, room)
        tokens = tokens[:min(MAX_PHRASE_TOKENS, room)]
        terms.append('"' + " ".join(tokens) + '"' + (" *" if prefix else ""))
        room -= len(tokens)
        if len(terms) >= MAX_TERMS or room <= 0:
            break
    return " ".join(terms)


def _spans(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Strip the hit markers from highlighted text, returning the offsets they marked."""
    spans: list[tuple[int, int]] = []
    plain: list[str] = []
    length = 0
    start = -1
    for part in re.split(f"([{HIT_START}{HIT_END}])", marked):
        if part == HIT_START:
            start = length
        elif part == HIT_END:
            if start >= 0:
                spans.append((start, length))
            start = -1
        else:
            plain.append(part)
            length += len(part)
    return "".join(plain), tuple(spans)


@contextmanager
def _budget(conn: sqlite3.Connection, seconds: float, steps: int | None,
            cancelled: Callable[[], bool] | None = None) -> Iterator[None]:
    """Stop what runs on ``conn`` after ``seconds``, after about ``steps`` SQLite steps,
    or as soon as ``cancelled()`` says so; ``conn.interrupt()`` stops it too."""
    deadline = time.monotonic() + seconds
    calls = 0

    def over() -> bool:
        nonlocal calls
        calls += 1
        return (steps is not None and calls * _STEPS_PER_CALL > steps) \
            or time.monotonic() > deadline or (cancelled is not None and cancelled())

    conn.set_progress_handler(over, _STEPS_PER_CALL)
    try:
        yield
    finally:
        conn.set_progress_handler(None, 0)


def search(conn: sqlite3.Connection, text: str, *, limit: int = PAGE,
           offset: int = 0, seconds: float = MAX_SECONDS, steps: int | None = None,
           cancelled: Callable[[], bool] | None = None) -> Results:
    """Search every passage; results in reading order, a page of them at a time.

    FTS5 yields matches in rowid order, and rowid is the reading order, so a page
    costs the same however many passages match. A search that runs past ``seconds``
    (or ``steps`` SQLite steps), that ``cancelled()`` calls off, or that
    ``conn.interrupt()`` stops from another thread, returns no hits and is marked
    ``stopped``.
    """
    match = to_match(text)
    if not match:
        return Results(text, 0, [])
    try:
        with _budget(conn, seconds, steps, cancelled):
            total = conn.execute(
                "SELECT count(*) FROM (SELECT rowid FROM passages_fts "
                "WHERE passages_fts MATCH ? LIMIT ?)", (match, COUNT_LIMIT)).fetchone()[0]
            rows = conn.execute(
                "WITH hits AS (SELECT rowid, "
                f"snippet(passages_fts, 0, '{HIT_START}', '{HIT_END}', '…', 16) AS snip "
                "FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rowid LIMIT ? "
                "OFFSET ?) "
                "SELECT p.id, p.document_id, d.title, p.paragraph, p.kind, hits.snip, p.n "
                "FROM hits JOIN passages p ON p.n = hits.rowid "
                "JOIN documents d ON d.id = p.document_id ORDER BY hits.rowid",
                (match, limit, offset)).fetchall()
    except sqlite3.Error as exc:
        # to_match only builds quoted phrases, so a syntax error cannot happen; a
        # damaged file can, and the person then sees "no results", not an error.
        if "interrupted" in str(exc):
            return Results(text, 0, [], stopped=True)
        return Results(text, 0, [])
    hits = [Hit(*r) for r in rows]
    return Results(text, total, hits)


def matched_spans(conn: sqlite3.Connection, text: str, n: int) -> tuple[tuple[int, int], ...]:
    """Where the words searched for stand in one passage (its row ``n``), as offsets.

    Worked out for the passage a person opens, not for every result shown: marking
    a long passage's matches takes time that a page of results must not spend.
    """
    match = to_match(text)
    if not match:
        return ()
    try:
        with _budget(conn, MAX_SECONDS, None):
            row = conn.execute(
                f"SELECT highlight(passages_fts, 0, '{HIT_START}', '{HIT_END}') "
                "FROM passages_fts WHERE passages_fts MATCH ? AND rowid = ?",
                (match, n)).fetchone()
    except sqlite3.Error:
        return ()
    return _spans(row[0])[1] if row else ()
