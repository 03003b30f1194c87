"""Making and changing marks from the text: highlights, notes and bookmarks."""

from __future__ import annotations

from desktop.gui.commands.navigation import Navigator, Status
from desktop.gui.dialogs import Dialogs
from desktop.gui.marks import Marks
from desktop.gui.note_editor import NoteEditor
from desktop.gui.reader import ReaderView
from desktop.notes.anchoring import ORPHANED, whole_words


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
        selected = self.reader.selected_words()
        if selected is None:
            self.status("Select some words of one passage to highlight them.", 5000)
            return None
        passage, start, end, _words = selected
        start, end = whole_words(passage.text, start, end)
        made = self.marks.add_highlight(passage, start, end, colour_name)
        self.status(f"Highlighted in {made.colour}.", 3000)
        return made.id

    def _highlight_at_cursor(self) -> str | None:
        cursor = self.reader.textCursor()
        passage = self.reader.passage_under_cursor()
        if passage is None:
            return None
        offset = cursor.selectionStart() - cursor.block().position()
        found = [h for h in self.marks.highlights_at(passage.uri)
                 if h.selector.start <= offset < h.selector.end]
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
        highlight = self.marks.highlight(highlight_id)
        if highlight is None:
            return
        passage = self.marks.archive.passage_by_uri(highlight.selector.uri)
        if passage is None or highlight.state == ORPHANED:
            self.status("These words are no longer in the archive; select where they "
                        "belong and choose Re-attach.", 6000)
            return
        s = highlight.selector
        self.navigator.navigate(passage.document_id, passage.id, ((s.start, s.end),))
        self.reader.scroll_to(passage.id, ((s.start, s.end),), select=True)

    def reattach(self, highlight_id: str) -> None:
        selected = self.reader.selected_words()
        if selected is None:
            self.status("First select, in the text, the words this highlight belongs to.",
                        6000)
            return
        passage, start, end, _words = selected
        self.marks.reattach(highlight_id, passage, start, end)

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
