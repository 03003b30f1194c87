"""Turn text extracted from a PDF back into the blocks the author wrote.

PDF extraction of a two-column page leaves predictable damage: paragraphs cut by
blank lines where a page or column broke, lines that end in stray spaces, a photo
caption dropped into the middle of a sentence, and a paragraph boundary with no
blank line where a column broke. This module undoes that damage and nothing more:
it never changes a word, a letter or a punctuation mark of the text.

Every choice it makes is recorded as a :class:`Decision`, so that
``archive-browser build --explain`` can show exactly how each block was formed.
The rules, and why each one holds for the essay, are written out in
the README, under “How the extracted text was cleaned”.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

# A line "ends a sentence" when its last visible character is . ? or !,
# possibly followed by closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.?!][’”\"')\]]*$")
# Characters that can end a heading-like line only when it is not a heading.
_CLAUSE_END = re.compile(r"[.?!,;:–-][’”\"')\]]*$")
_MONTH_YEAR = re.compile(
    r"^(January|February|March|April|May|June|July|August|September|October|"
    r"November|December) \d{4}$"
)
_FOOTNOTE_MARKERS = ("*", "†", "‡", "§")
_INNER_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")
_HYPHEN_END = re.compile(r"\w-$")
# No column is wider than this: longer lines are paragraphs, not wrapped lines.
WRAPPED_WIDTH = 200


@dataclass(frozen=True)
class Line:
    """One non-blank line of the source, as extracted."""

    number: int  # 1-based line number in the source file
    text: str  # with surrounding whitespace removed
    indented: bool  # the extracted line began with whitespace


@dataclass(frozen=True)
class Decision:
    """One choice the cleaner made where the extracted text was ambiguous."""

    line: int
    rule: str
    detail: str


@dataclass
class Block:
    """A unit of the author's text: a title, heading, paragraph, caption, …

    Its text is joined once, when first read, and kept: the cleaning and the build
    read it several times. The lines are changed through ``extend`` and
    ``replace_first``, which forget the joined text.
    """

    kind: str
    lines: list[Line] = field(default_factory=list)
    marker: str = ""  # a footnote's marker, such as "*"
    _text: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = join_lines([line.text for line in self.lines])
        return self._text

    def extend(self, lines: Sequence[Line]) -> None:
        self.lines.extend(lines)
        self._text = None

    def replace_first(self, line: Line) -> None:
        self.lines[0] = line
        self._text = None

    @property
    def first_line(self) -> int:
        return self.lines[0].number


def join_lines(lines: Sequence[str]) -> str:
    """Join the lines of one block into running text.

    A line that ends in a hyphen after a letter or digit is joined to the next
    without a space and the hyphen is kept: in this text every line-end hyphen is
    a real one ("rank-and-file", "1920-24"), never a soft hyphen. Runs of spaces
    inside a line, left by justified type, become one space.
    """
    parts: list[str] = []
    for line in lines:
        if "  " in line:  # a quick look first: most lines have no run of spaces
            line = _INNER_SPACES.sub(" ", line)
        # Only the end of the text so far matters: a long paragraph stays linear.
        if parts and not _HYPHEN_END.search(parts[-1][-2:]):
            parts.append(" ")
        parts.append(line)
    return "".join(parts)


def _wrapped(lines: list[str]) -> bool:
    """Was the text wrapped to a column (as a PDF's is)? Then most lines stop
    mid-sentence and run nearly the column's width (the essay: 41 characters). A text
    with a paragraph to a line has lines that end sentences, of every length."""
    lengths = [len(line) for line in lines]
    width = sorted(lengths)[int(len(lengths) * 0.9)]
    if width > WRAPPED_WIDTH:
        return False
    median = statistics.median(lengths)
    finished = sum(1 for line in lines if _SENTENCE_END.search(line)) / len(lines)
    if finished >= 0.7 and median > 40:
        return False
    if median <= 90:  # short lines: a column, however ragged
        return True
    return sum(1 for n in lengths if n >= 0.7 * width) >= 0.5 * len(lengths)


def _chunks(source: str) -> list[list[Line]]:
    """Split the source into runs of non-blank lines, remembering the gaps."""
    chunks: list[list[Line]] = []
    current: list[Line] = []
    for number, raw in enumerate(source.splitlines(), start=1):
        if not raw.strip():
            if current:
                chunks.append(current)
                current = []
            continue
        current.append(Line(number, raw.strip(), raw[:1].isspace()))
    if current:
        chunks.append(current)
    return chunks


@dataclass
class CleanText:
    """The blocks of one document, with the decisions that formed them."""

    blocks: list[Block]
    decisions: list[Decision]


def clean(source: str, *, standfirst: bool = False, dateline: str = "") -> CleanText:
    """Rebuild the blocks of a PDF-extracted (or clean) plain text.

    ``standfirst`` says that the block after the title is a standfirst;
    ``dateline`` names the dateline's text when the document has one that is not
    a plain "Month YYYY".
    """
    chunks = _chunks(source.removeprefix("\ufeff"))  # a byte-order mark is not text
    decisions: list[Decision] = []
    if not chunks:
        return CleanText([], decisions)
    lengths = [len(line.text) for chunk in chunks for line in chunk]
    median = statistics.median(lengths)
    wide = sorted(lengths)[int(len(lengths) * 0.9)] * 1.5
    # Captions and hidden breaks are column-layout damage: look for them only in text
    # wrapped to a column. Clean text, a paragraph to a line, has neither.
    wrapped = _wrapped([line.text for chunk in chunks for line in chunk])
    if not wrapped:
        # Text not wrapped to a column has a paragraph to a line: a line break there is
        # a paragraph break, blank line or not.
        chunks = [[line] for chunk in chunks for line in chunk]

    # 1. Within a chunk: pull out captions (lines far wider than the column)
    #    and split where an indented line follows a short, finished line.
    pieces: list[Block] = []
    for index, chunk in enumerate(chunks):
        block = Block("paragraph")
        for line in chunk:
            if index == 0 and line is chunk[0]:
                # The title is set on a line of its own; what follows it
                # without a blank line (here the standfirst) is another block.
                pieces.append(Block("title", [line]))
                if len(chunk) > 1:
                    decisions.append(Decision(chunk[1].number, "title",
                                              "the first line alone is the title"))
                continue
            # A caption is a whole sentence set wider than the column; a wide
            # line that runs on (the standfirst, set across the page) is text.
            if wrapped and len(line.text) > wide and _SENTENCE_END.search(line.text):
                if block.lines:
                    pieces.append(block)
                pieces.append(Block("caption", [line]))
                decisions.append(
                    Decision(line.number, "caption",
                             f"line of {len(line.text)} characters, wider than the "
                             f"column ({wide:.0f}) and complete in itself, is a caption "
                             "set apart from the text")
                )
                block = Block("paragraph")
                continue
            previous = block.lines[-1] if block.lines else None
            if (wrapped and previous is not None and line.indented
                    and _SENTENCE_END.search(previous.text)
                    and len(previous.text) < 0.8 * median):
                decisions.append(
                    Decision(line.number, "hidden paragraph break",
                             f"indented line after the short finished line "
                             f"“{previous.text}” starts a new paragraph")
                )
                pieces.append(block)
                block = Block("paragraph")
            if "  " in line.text and _INNER_SPACES.search(line.text):
                decisions.append(Decision(line.number, "spacing",
                                          "a run of spaces inside the line, left by "
                                          "justified type, becomes one space"))
            block.extend((line,))
        if block.lines:
            pieces.append(block)
        # Mark the end of a chunk so that step 2 knows where the blank lines were.
        pieces.append(Block("gap"))

    # 2. Across blank lines: a block that stops mid-sentence and a block that
    #    starts with a lower-case letter are one paragraph cut by a page or
    #    column break. A caption between them stays apart and follows the
    #    paragraph it interrupted.
    blocks: list[Block] = []
    held_captions: list[Block] = []
    open_block: Block | None = None
    pending_gap = False
    for piece in pieces:
        if piece.kind == "gap":
            pending_gap = True
            continue
        if piece.kind == "caption":
            held_captions.append(piece)
            continue
        joins = (
            open_block is not None
            and open_block.kind != "title"
            and not _SENTENCE_END.search(open_block.lines[-1].text)
            and piece.lines[0].text[:1].islower()
            and (pending_gap or held_captions)
        )
        if joins and open_block is not None:
            decisions.append(
                Decision(piece.first_line, "page or column break",
                         f"“{open_block.lines[-1].text}” does not end a sentence and "
                         f"“{piece.lines[0].text}” begins in lower case: one paragraph")
            )
            open_block.extend(piece.lines)
        else:
            if open_block is not None:
                blocks.append(open_block)
            blocks.extend(held_captions)
            held_captions = []
            open_block = piece
        pending_gap = False
    if open_block is not None:
        blocks.append(open_block)
    blocks.extend(held_captions)

    _classify(blocks, decisions, standfirst=standfirst, dateline=dateline)
    decisions.sort(key=lambda d: d.line)
    return CleanText(blocks, decisions)


def _classify(blocks: list[Block], decisions: list[Decision], *,
              standfirst: bool, dateline: str) -> None:
    """Name each block's kind: title, standfirst, heading, dateline, footnote."""
    if not blocks:
        return
    blocks[0].kind = "title"
    start = 1
    if standfirst and len(blocks) > 1:
        blocks[1].kind = "standfirst"
        start = 2
    notes_from = _notes_start(blocks, start)
    for block in blocks[notes_from:]:
        block.kind = "footnote"
        block.marker = _marker(block.text)
        if block.marker:
            first = block.lines[0]
            block.replace_first(Line(first.number, first.text[len(block.marker):].lstrip(),
                                     first.indented))
    for block in blocks[start:notes_from]:
        if block.kind == "caption":
            continue
        text = block.text
        single = len(block.lines) == 1
        if single and (text == dateline or _MONTH_YEAR.match(text)):
            block.kind = "dateline"
            decisions.append(Decision(block.first_line, "dateline",
                                      f"“{text}” stands alone and names a date"))
        elif (single and len(text) <= 60 and text[:1].isupper()
              and not _CLAUSE_END.search(text)):
            block.kind = "heading"
    # A heading opens a section: one with no paragraph after it (a sign-off at the
    # end, say) is a paragraph.
    body = blocks[start:notes_from]
    for index, block in enumerate(body):
        if block.kind != "heading":
            continue
        following = next((b.kind for b in body[index + 1:] if b.kind != "caption"), None)
        if following in (None, "heading", "dateline"):
            block.kind = "paragraph"
        else:
            decisions.append(Decision(block.first_line, "heading",
                                      f"“{block.text}” stands alone, short and unpunctuated"))


def _notes_start(blocks: list[Block], start: int) -> int:
    """Where the notes begin (``len(blocks)`` when there are none).

    After a dateline: at the first block led by a marker ("* …", "† …"). Without
    one: the run of marker-led blocks at the very end; and when the text ends in a
    plain block, that is the last note's next paragraph if the note's marker stands
    in the text above it ("year,*"). A starred list in the body stays text.
    """
    end = len(blocks)
    datelines = [i for i in range(start, end) if _is_dateline(blocks[i])]
    if datelines:
        led = [i for i in range(datelines[-1] + 1, end) if _marker(blocks[i].text)]
        return led[0] if led else end
    last = end
    if not _marker(blocks[end - 1].text):
        led = [i for i in range(start, end) if _marker(blocks[i].text)]
        if not led:
            return end
        marker = _marker(blocks[led[-1]].text)
        body = " ".join(b.text for b in blocks[start:led[-1]] if not _marker(b.text))
        if not re.search(rf"\S{re.escape(marker)}", body):
            return end
        last = led[-1] + 1
    first = last
    while first > start and _marker(blocks[first - 1].text):
        first -= 1
    return first if first < last else end


def _is_dateline(block: Block) -> bool:
    return len(block.lines) == 1 and bool(_MONTH_YEAR.match(block.text))


def _marker(text: str) -> str:
    return next((m for m in _FOOTNOTE_MARKERS if text.startswith(m + " ")), "")
