"""The main window's commands for highlights, notes and bookmarks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog

from desktop.gui.marks import colour
from desktop.notes.anchoring import ORPHANED
from desktop.notes.store import COLOURS

if TYPE_CHECKING:
    from desktop.gui.main_window import MainWindow


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a selection that starts or ends inside a word to the whole word, and
    leave out spaces at its ends: a highlight is of words, as a reader means it."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class MarkCommands:
    """Mixed into MainWindow: highlighting, notes, bookmarks and their backups."""

    def refresh_highlights(self: MainWindow) -> None:
        if self.reader.layout_ is None:
            return
        uris = set(self.reader.layout_.block_of_uri)
        shown = []
        document_id = self.reader.document_id or ""
        colours = {name: colour(name) for name in COLOURS}
        for uri, start, end, highlight_id, name, note in self.notes.marks_in(
                self.archive.archive_id, document_id):
            if uri in uris:
                shown.append((uri, start, end, highlight_id, colours[name], note))
        self.reader.show_highlights(shown)
        self.reader.show_bookmarks({b.uri for b in self.notes.bookmarks(self.archive.archive_id)
                                    if b.document_id == document_id})

    def refresh_one(self: MainWindow, mark_id: str) -> None:
        """One mark changed: update it alone in the text (a note saved as it is typed
        must not redraw thousands of highlights)."""
        highlight = self.notes.highlight(mark_id)
        if highlight is None:
            # A bookmark (the margin's ribbons), or a highlight that is gone: redraw.
            self.refresh_highlights()
            return
        shown = None
        if highlight is not None and highlight.state != ORPHANED:
            s = highlight.selector
            shown = (s.uri, s.start, s.end, highlight.id, colour(highlight.colour),
                     highlight.note)
        self.reader.replace_highlight(mark_id, shown)

    def highlight_selection(self: MainWindow, colour_name: str | None = None) -> str | None:
        selected = self.reader.selected_words()
        if selected is None:
            self.statusBar().showMessage("Select some words of one passage to highlight "
                                         "them.", 5000)
            return None
        passage, start, end, _words = selected
        start, end = whole_words(passage.text, start, end)
        made = self.marks.highlight(passage, start, end, colour_name)
        self.statusBar().showMessage(f"Highlighted in {made.colour}.", 3000)
        return made.id

    def _highlight_at_cursor(self: MainWindow) -> str | None:
        cursor = self.reader.textCursor()
        passage = self.reader.passage_under_cursor()
        if passage is None:
            return None
        offset = cursor.selectionStart() - cursor.block().position()
        found = [h for h in self.marks.at(passage.uri)
                 if h.selector.start <= offset < h.selector.end]
        return found[-1].id if found else None

    def edit_note_at_cursor(self: MainWindow) -> None:
        highlight_id = self._highlight_at_cursor()
        if highlight_id is None and self.reader.selected_words() is not None:
            highlight_id = self.highlight_selection()
        if highlight_id is None:
            self.statusBar().showMessage("Put the cursor in a highlight, or select words, "
                                         "to write a note.", 5000)
            return
        rect = self.reader.cursorRect()
        self.note_editor.open_for(highlight_id,
                                  self.reader.viewport().mapToGlobal(rect.bottomLeft()))

    def delete_highlight_at_cursor(self: MainWindow) -> None:
        highlight_id = self._highlight_at_cursor()
        if highlight_id is not None:
            self.marks.delete(highlight_id)

    def go_to_highlight(self: MainWindow, highlight_id: str) -> None:
        highlight = self.notes.highlight(highlight_id)
        if highlight is None:
            return
        passage = self.archive.passage_by_uri(highlight.selector.uri)
        if passage is None or highlight.state == ORPHANED:
            self.statusBar().showMessage("These words are no longer in the archive; select "
                                         "where they belong and choose Re-attach.", 6000)
            return
        s = highlight.selector
        self.navigate(passage.document_id, passage.id, ((s.start, s.end),))
        self.reader.scroll_to(passage.id, ((s.start, s.end),), select=True)

    def reattach(self: MainWindow, highlight_id: str) -> None:
        selected = self.reader.selected_words()
        if selected is None:
            self.statusBar().showMessage("First select, in the text, the words this "
                                         "highlight belongs to.", 6000)
            return
        passage, start, end, _words = selected
        self.marks.reattach(highlight_id, passage, start, end)

    def toggle_bookmark(self: MainWindow, label: str = "") -> None:
        passage = self.reader.reading_passage()
        if passage is None:
            return
        made = self.marks.toggle_bookmark(passage, label)
        self.statusBar().showMessage("Bookmarked." if made else "Bookmark removed.", 3000)

    def ask_label(self: MainWindow) -> str | None:
        """Ask for a bookmark's label (tests replace this method)."""
        text, ok = QInputDialog.getText(self, "Bookmark", "Label (optional):")
        return text if ok else None

    def bookmark_with_label(self: MainWindow) -> None:
        passage = self.reader.reading_passage()
        if passage is None:
            return
        existing = self.notes.bookmark_at(self.archive.archive_id, passage.uri)
        label = self.ask_label()
        if label is None:
            return
        if existing is not None:
            self.marks.rename_bookmark(existing.id, label)
        else:
            self.marks.toggle_bookmark(passage, label)

    def go_to_bookmark(self: MainWindow, bookmark_id: str) -> None:
        bookmark = next((b for b in self.notes.bookmarks() if b.id == bookmark_id), None)
        passage = self.archive.passage_by_uri(bookmark.uri) if bookmark else None
        if passage is not None:
            self.navigate(passage.document_id, passage.id)

    def backup_notes(self: MainWindow) -> None:
        """The backup every ten minutes, on a thread of its own: a large notes file must
        not freeze the window while it is copied."""
        error = self.notes.last_backup_error
        if error is not None:
            self.statusBar().showMessage(f"Your notes could not be backed up ({error}).",
                                         10000)
        self.notes.backup_in_background()

