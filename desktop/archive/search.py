"""Full-text search over the archive that no input can break.

A person types whatever they like; :func:`to_match` turns it into an FTS5 query
made only of quoted phrases, so FTS5's own syntax (``AND``, ``NEAR``, ``:``,
``-``, brackets, a lone ``"``) is never interpreted. What the person can use:

* words, all of which must appear (``communist party``);
* phrases in double quotes, straight or curly (``"ranks and tops"``);
* prefixes with a trailing ``*`` (``prolet*``);
* hyphenated words and numbers, searched as the phrase they are
  (``non-party``, ``rank-and-file``, ``1920-24``).

A prefix longer than the index's prefix index covers (``worke*``) would make FTS5
merge the lists of every word it begins, the whole of them, before the first page:
instead it is looked up in the archive's vocabulary (``passages_vocab``) and searched
as the words it stands for, ``("worker" OR "workers")``, which FTS5 walks only as far
as the page needs. The answer is the same: FTS5 stems a prefix as it stems a word, so
the prefix looked up is the stemmed one, and each word is written in a form the
tokenizer turns into exactly that word of the index.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from msgspec import Struct

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


class Hit(Struct, frozen=True):
    """One passage that matches, with the matched spans of its text."""

    passage_id: str
    document_id: str
    document_title: str
    paragraph: int | None
    kind: str
    snippet: str  # with HIT_START/HIT_END around matched words
    n: int  # the passage's row, to find its matched words when it is opened


class Results(Struct, frozen=True):
    query: str
    # How many passages match, counted up to COUNT_LIMIT; when not ``counted``, only
    # how many are known so far (a full page: there may be more, see count()).
    total: int
    hits: list[Hit]
    stopped: bool = False  # interrupted, or past its budget of work: nothing to show
    counted: bool = True
    notice: str = ""  # what was not searched as typed, in one sentence ("" if all was)

    @property
    def counted_all(self) -> bool:
        return self.counted and self.total < COUNT_LIMIT


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


# What search() says when it could not search everything that was typed.
NOTHING_TO_SEARCH = "Nothing to search for: type a word, a “phrase” or a prefix*."
SEARCHED_IN_PART = (f"Only the beginning of what was typed was searched: a search takes "
                    f"at most {MAX_TOKENS} words.")


class _Term(Struct, frozen=True):
    """One term of a query: a phrase of tokens (a word is a phrase of one)."""

    tokens: tuple[str, ...]
    prefix: bool  # the last token is a prefix

    def match(self) -> str:
        return '"' + " ".join(self.tokens) + '"' + (" *" if self.prefix else "")


def _terms(text: str) -> tuple[list[_Term], bool]:
    """The terms of what was typed, bounded; and whether some of it was left out."""
    terms: list[_Term] = []
    room = MAX_TOKENS
    cut = len(text) > MAX_QUERY_CHARS
    for m in _TERM.finditer(text[:MAX_QUERY_CHARS]):
        phrase, word = m.group(1), m.group(2)
        raw = phrase if phrase is not None else word
        tokens = [t[:MAX_TOKEN_CHARS] for t in _TOKEN.findall(raw)]
        if not tokens:
            continue
        if len(terms) >= MAX_TERMS or room <= 0:
            cut = True
            break
        # A cut phrase loses its tail, so a prefix star no longer belongs to its last word.
        keep = min(MAX_PHRASE_TOKENS, room)
        prefix = raw.rstrip().endswith("*") and len(tokens) <= keep
        cut = cut or len(tokens) > keep
        terms.append(_Term(tuple(tokens[:keep]), prefix))
        room -= len(tokens[:keep])
    return terms, cut


def to_match(text: str) -> str:
    """Turn what a person typed into a safe FTS5 MATCH expression ('' for nothing)."""
    return " ".join(term.match() for term in _terms(text)[0])


# -- prefixes looked up in the vocabulary -------------------------------------------------

# A prefix that stands for more words than this is searched as a prefix (bounded by
# time, as any search): an OR of hundreds of phrases is no quicker.
MAX_EXPANSION = 64
_PREFIX_OPTION = re.compile(r"prefix\s*=\s*'([\d\s]*)'")
_TOKENIZE_OPTION = re.compile(r"tokenize\s*=\s*'([^']*)'")
_local = threading.local()  # one tokenizer per thread: SQLite connections stay put


def tokenize_of(conn: sqlite3.Connection) -> str:
    """The tokenizer of the archive's search index, as its ``tokenize`` option names it."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'passages_fts'").fetchone()
    found = _TOKENIZE_OPTION.search(sql[0] or "") if sql else None
    return found.group(1) if found else "unicode61"


def tokens_of(tokenize: str, text: str) -> list[str]:
    """The index's words for ``text``, as the archive's own tokenizer makes them."""
    tokenizers: dict[str, sqlite3.Connection] = _local.__dict__.setdefault("tokenizers", {})
    conn = tokenizers.get(tokenize)
    if conn is None:
        conn = sqlite3.connect(":memory:")
        escaped = tokenize.replace("'", "''")
        conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{escaped}')")
        conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
        tokenizers[tokenize] = conn
    conn.execute("INSERT INTO t(rowid, x) VALUES (1, ?)", (text,))
    try:
        return [r[0] for r in conn.execute("SELECT term FROM v ORDER BY offset")]
    finally:
        conn.execute("DELETE FROM t")


def _expanded(conn: sqlite3.Connection, terms: list[_Term]) -> str:
    """The MATCH expression for ``terms``, long prefixes written as the words they begin."""
    plain = " ".join(term.match() for term in terms)
    if not any(term.prefix for term in terms):
        return plain
    found = dict(conn.execute("SELECT name, sql FROM sqlite_master "
                              "WHERE name IN ('passages_fts', 'passages_vocab')"))
    if "passages_vocab" not in found or not found.get("passages_fts"):
        return plain  # an archive built before the vocabulary: prefixes as they are
    indexed = _PREFIX_OPTION.search(found["passages_fts"])
    lengths = {int(n) for n in indexed.group(1).split()} if indexed else set()
    tokenize = _TOKENIZE_OPTION.search(found["passages_fts"])
    parts = []
    for term in terms:
        words = _words_of(conn, term, tokenize.group(1) if tokenize else "unicode61",
                          lengths) if term.prefix else None
        if words is None:
            parts.append(term.match())
            continue
        head = " ".join(term.tokens[:-1])
        phrases = ['"' + f"{head} {w}".strip().replace('"', '""') + '"' for w in words]
        parts.append("(" + " OR ".join(phrases) + ")")
    return " AND ".join(parts)  # FTS5 takes no implicit AND before a bracket


def _words_of(conn: sqlite3.Connection, term: _Term, tokenize: str,
              lengths: set[int]) -> list[str] | None:
    """What the prefix of ``term`` stands for, each word written so that the tokenizer
    makes exactly it; None when the prefix is better searched as it is (the prefix
    index has it, or it begins too many words, or one cannot be written)."""
    stemmed = tokens_of(tokenize, term.tokens[-1])
    if len(stemmed) != 1 or len(stemmed[0]) in lengths:
        return None
    prefix = stemmed[0]
    rows = conn.execute("SELECT term, word FROM passages_vocab WHERE term >= ? AND term < ? "
                        "ORDER BY term LIMIT ?",
                        (prefix, prefix + "\U0010ffff", MAX_EXPANSION + 1)).fetchall()
    if not rows or len(rows) > MAX_EXPANSION or any(word is None for _t, word in rows):
        return None
    return [word for _term, word in rows]


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
           cancelled: Callable[[], bool] | None = None, count: bool = True) -> Results:
    """Search every passage; results in reading order, a page of them at a time.

    FTS5 yields matches in rowid order, and rowid is the reading order, so a page
    costs the same however many passages match. The matches are counted only when a
    first page is full (a page less than full is all of them), and then only if
    ``count``: the window shows the page first and asks :func:`count` after. A search
    that runs past ``seconds`` (or ``steps`` SQLite steps), that ``cancelled()`` calls
    off, or that ``conn.interrupt()`` stops from another thread, returns no hits and
    is marked ``stopped``.
    """
    terms, cut = _terms(text)
    if not terms:
        return Results(text, 0, [], notice=NOTHING_TO_SEARCH if text.strip() else "")
    notice = SEARCHED_IN_PART if cut else ""
    try:
        with _budget(conn, seconds, steps, cancelled):
            match = _expanded(conn, terms)
            rows = conn.execute(
                "WITH hits AS (SELECT rowid, "
                f"snippet(passages_fts, 0, '{HIT_START}', '{HIT_END}', '…', 16) AS snip "
                "FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rowid LIMIT ? "
                "OFFSET ?) "
                "SELECT p.id, p.document_id, d.title, p.paragraph, p.kind, hits.snip, p.n "
                "FROM hits JOIN passages p ON p.n = hits.rowid "
                "JOIN documents d ON d.id = p.document_id ORDER BY hits.rowid",
                (match, limit, offset)).fetchall()
            known = offset + len(rows)
            full = len(rows) >= limit
            total = _count(conn, match) if full and count and offset == 0 else known
    except sqlite3.Error as exc:
        # to_match only builds quoted phrases, so a syntax error cannot happen; a
        # damaged file can, and the person then sees "no results", not an error.
        if "interrupted" in str(exc):
            return Results(text, 0, [], stopped=True, notice=notice)
        return Results(text, 0, [], notice=notice)
    hits = [Hit(*r) for r in rows]
    return Results(text, total, hits, counted=not full or (count and offset == 0),
                   notice=notice)


def _count(conn: sqlite3.Connection, match: str) -> int:
    return conn.execute("SELECT count(*) FROM (SELECT rowid FROM passages_fts "
                        "WHERE passages_fts MATCH ? LIMIT ?)",
                        (match, COUNT_LIMIT)).fetchone()[0]


def count(conn: sqlite3.Connection, text: str, *, seconds: float = MAX_SECONDS,
          cancelled: Callable[[], bool] | None = None) -> int | None:
    """How many passages match, up to COUNT_LIMIT; None if stopped (as search() is)."""
    terms, _cut = _terms(text)
    if not terms:
        return 0
    try:
        with _budget(conn, seconds, None, cancelled):
            return _count(conn, _expanded(conn, terms))
    except sqlite3.Error:
        return None


def matched_spans(conn: sqlite3.Connection, text: str, n: int) -> tuple[tuple[int, int], ...]:
    """Where the words searched for stand in one passage (its row ``n``), as offsets.

    Worked out for the passage a person opens, not for every result shown: marking
    a long passage's matches takes time that a page of results must not spend.
    """
    terms, _cut = _terms(text)
    if not terms:
        return ()
    try:
        with _budget(conn, MAX_SECONDS, None):
            match = _expanded(conn, terms)
            row = conn.execute(
                f"SELECT highlight(passages_fts, 0, '{HIT_START}', '{HIT_END}') "
                "FROM passages_fts WHERE passages_fts MATCH ? AND rowid = ?",
                (match, n)).fetchone()
    except sqlite3.Error:
        return ()
    return _spans(row[0])[1] if row else ()
