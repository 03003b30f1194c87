"""Making and changing marks from the text: highlights, notes and bookmarks."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from desktop.archive.store import Passage
from desktop.gui.commands.navigation import Navigator, Status
from desktop.gui.dialogs import Dialogs
from desktop.gui.marks import Marks
from desktop.gui.note_editor import NoteEditor
from desktop.gui.reader import ReaderView
from desktop.notes.anchoring import ORPHANED, whole_words

Words = tuple[Passage, int, int]  # a passage, and the start and end of words in it


def selected_parts(reader: ReaderView) -> list[Words]:
    """The words selected, one part a passage, in reading order, each widened to whole
    words: a selection that runs from one passage into the next gives a part in each
    (and every passage between), leaving out what is not a passage (a title, a label)
    and any passage where only spaces are selected. Empty when nothing is selected."""
    layout = reader.layout_
    across = reader.selection_across()
    if across is None or layout is None:
        return []
    first, start, last, end, _words = across
    numbers = range(layout.block_of[first.id], layout.block_of[last.id] + 1)
    passages = [layout.passages[n] for n in numbers if n in layout.passages]
    parts = []
    for passage in passages:
        # Every passage is one document's: a reader shows one document at a time.
        words = whole_words(passage.text, start if passage.id == first.id else 0,
                            end if passage.id == last.id else len(passage.text))
        if words[0] < words[1]:
            parts.append((passage, *words))
    return parts


class MarkCommands:
    """Highlight, write a note, delete, bookmark, and go to a mark."""

    def __init__(self, reader: ReaderView, marks: Marks, note_editor: NoteEditor,
                 navigator: Navigator, status: Status, dialogs: Dialogs) -> None:
        self.reader = reader
        self.marks = marks
        self.note_editor = note_editor
        self.navigator = navigator
        self.status = status
        self.dialogs = dialogs

    def highlight_selection(self, colour_name: str | None = None) -> str | None:
        """Highlight the words selected: one highlight, of one part for each passage
        the selection runs across."""
        parts = selected_parts(self.reader)
        if not parts:
            self.status("Select some words of the text to highlight them.", 5000)
            return None
        (passage, start, end), *more = parts
        made = self.marks.add_highlight(passage, start, end, colour_name, more=more)
        across = f" across {len(parts)} passages" if more else ""
        self.status(f"Highlighted in {made.colour}{across}.", 3000)
        return made.id

    def _highlight_at_cursor(self) -> str | None:
        """The highlight at the cursor, by any of its parts (the innermost, the latest)."""
        cursor = self.reader.textCursor()
        passage = self.reader.passage_under_cursor()
        if passage is None:
            return None
        offset = cursor.selectionStart() - cursor.block().position()
        found = [h for h in self.marks.highlights_at(passage.uri)
                 if any(part.selector.uri == passage.uri and part.state != ORPHANED
                        and part.selector.start <= offset < part.selector.end
                        for part in h.parts)]
        return found[-1].id if found else None

    def edit_note_at_cursor(self) -> None:
        highlight_id = self._highlight_at_cursor()
        if highlight_id is None and self.reader.selected_words() is not None:
            highlight_id = self.highlight_selection()
        if highlight_id is None:
            self.status("Put the cursor in a highlight, or select words, to write a note.",
                        5000)
            return
        rect = self.reader.cursorRect()
        self.note_editor.open_for(highlight_id,
                                  self.reader.viewport().mapToGlobal(rect.bottomLeft()))

    def delete_highlight_at_cursor(self) -> None:
        highlight_id = self._highlight_at_cursor()
        if highlight_id is not None:
            self.marks.delete(highlight_id)

    def go_to_highlight(self, highlight_id: str) -> None:
        """Go to a highlight's words and select them (from its first part still found to
        its last, for words across passages)."""
        highlight = self.marks.highlight(highlight_id)
        if highlight is None:
            return
        found = [(passage, part.selector) for part in highlight.parts
                 if part.state != ORPHANED
                 and (passage := self.marks.archive.passage_by_uri(part.selector.uri))]
        if not found:
            self.status("These words are no longer in the archive; select where they "
                        "belong and choose Re-attach.", 6000)
            return
        (passage, s), (last, final) = found[0], found[-1]
        self.navigator.navigate(passage.document_id, passage.id, ((s.start, s.end),))
        self.reader.scroll_to(passage.id, ((s.start, s.end),), select=True)
        layout = self.reader.layout_
        if last.id != passage.id and layout is not None and last.id in layout.block_of:
            doc = self.reader.document()
            cursor = QTextCursor(doc)
            cursor.setPosition(doc.findBlockByNumber(layout.block_of[passage.id]).position()
                               + s.start)
            cursor.setPosition(doc.findBlockByNumber(layout.block_of[last.id]).position()
                               + final.end, QTextCursor.MoveMode.KeepAnchor)
            self.reader.setTextCursor(cursor)

    def reattach(self, highlight_id: str) -> None:
        """Attach a highlight to the words selected (across passages too)."""
        parts = selected_parts(self.reader)
        if not parts:
            self.status("First select, in the text, the words this highlight belongs to.",
                        6000)
            return
        (passage, start, end), *more = parts
        self.marks.reattach(highlight_id, passage, start, end, more=more)

    def toggle_bookmark(self, label: str = "") -> None:
        passage = self.reader.reading_passage()
        if passage is None:
            return
        made = self.marks.toggle_bookmark(passage, label)
        self.status("Bookmarked." if made else "Bookmark removed.", 3000)

    def bookmark_with_label(self) -> None:
        passage = self.reader.reading_passage()
        if passage is None:
            return
        existing = self.marks.bookmark_at(passage.uri)
        label = self.dialogs.ask_label()
        if label is None:
            return
        if existing is not None:
            self.marks.rename_bookmark(existing.id, label)
        else:
            self.marks.toggle_bookmark(passage, label)

    def go_to_bookmark(self, bookmark_id: str) -> None:
        bookmark = self.marks.bookmark(bookmark_id)
        passage = self.marks.archive.passage_by_uri(bookmark.uri) if bookmark else None
        if passage is not None:
            self.navigator.navigate(passage.document_id, passage.id)

    def back_up(self) -> None:
        """The backup every ten minutes, on a thread of its own: a large notes file must
        not freeze the window while it is copied."""
        error = self.marks.backup_in_background()
        if error is not None:
            self.status(f"Your notes could not be backed up ({error}).", 10000)
