"""Edit a highlight's note, tags and colour in place, saved as the person types."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.gui.marks import Marks
from desktop.gui.popup import on_screen
from desktop.gui.theme import COLOUR_LABELS
from desktop.notes.changes import DELETED, HIGHLIGHTS, Change
from desktop.notes.marks import COLOUR_HEX, COLOURS, Highlight
from desktop.notes.visible import hidden_in, visible

SAVE_DELAY_MS = 400


class TagField(QLineEdit):
    """Comma-separated tags, completing the tag being typed from those already used."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.words = QStringListModel(self)
        self.completer_ = QCompleter(self.words, self)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setWidget(self)
        self.completer_.activated.connect(self._complete)
        self.textEdited.connect(self._suggest)

    def set_known(self, tags: list[str]) -> None:
        self.words.setStringList(tags)

    def tags(self) -> list[str]:
        return [t.strip() for t in self.text().split(",") if t.strip()]

    def _suggest(self, text: str) -> None:
        current = text.split(",")[-1].strip()
        if not current:
            self.completer_.popup().hide()
            return
        self.completer_.setCompletionPrefix(current)
        if self.completer_.completionCount():
            self.completer_.complete()

    def _complete(self, tag: str) -> None:
        parts = [p.strip() for p in self.text().split(",")[:-1] if p.strip()]
        self.setText(", ".join([*parts, tag]) + ", ")


class NoteEditor(QFrame):
    """A card over the text: the highlighted words, colour, note and tags."""

    closed = Signal()

    def __init__(self, marks: Marks, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("note-editor")
        self.setAccessibleName("Note editor")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.marks = marks
        self.highlight_id: str | None = None
        # The note and tags as last read from or written to the notes, and as the
        # fields then showed them: a field that still shows them is one the person has
        # not touched, and a save does not write it.
        self._stored_note, self._shown_note = "", ""
        self._stored_tags: tuple[str, ...] = ()
        self._shown_tags: list[str] = []
        self.quote = QLabel()
        self.quote.setTextFormat(Qt.TextFormat.PlainText)
        self.quote.setWordWrap(True)
        self.quote.setAccessibleName("Highlighted words")
        font = self.quote.font()
        font.setItalic(True)
        self.quote.setFont(font)
        self.colours: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for name in COLOURS:
            button = QPushButton()
            button.setCheckable(True)
            button.setFixedSize(26, 26)
            button.setObjectName(f"colour-{name}")
            button.setAccessibleName(f"{COLOUR_LABELS[name]} highlight")
            button.setToolTip(f"Make this highlight {name}")
            button.setStyleSheet(f"QPushButton {{ background: {COLOUR_HEX[name]}; "
                                 "border: 1px solid #888; border-radius: 13px; }"
                                 "QPushButton:checked { border: 3px solid #222; }")
            button.clicked.connect(lambda _c=False, n=name: self.set_colour(n))
            row.addWidget(button)
            self.colours[name] = button
        row.addStretch(1)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("delete-highlight")
        self.delete_button.setAccessibleName("Delete highlight")
        self.delete_button.setToolTip("Delete this highlight and its note (Ctrl+Z undoes it)")
        self.delete_button.clicked.connect(self.delete)
        row.addWidget(self.delete_button)
        self.note = QPlainTextEdit()
        self.note.setObjectName("note-text")
        self.note.setAccessibleName("Note")
        self.note.setToolTip("Your note on these words; it is saved as you type")
        self.note.setPlaceholderText("Write a note… (saved as you type)")
        self.note.setTabChangesFocus(True)
        self.tags = TagField()
        self.tags.setObjectName("note-tags")
        self.tags.setAccessibleName("Tags")
        self.tags.setToolTip("Tags for this highlight, separated by commas")
        self.tags.setPlaceholderText("Tags, separated by commas")
        self.status = QLabel("")
        self.status.setAccessibleName("Save status")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.quote)
        layout.addLayout(row)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.tags)
        layout.addWidget(self.status)
        self.setMinimumSize(380, 300)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        self.note.textChanged.connect(self._edited)
        marks.changed.connect(self._follow)
        self.tags.textEdited.connect(lambda _t: self._edited())

    def open_for(self, highlight_id: str, where: QPoint) -> None:
        highlight = self.marks.highlight(highlight_id)
        if highlight is None:
            return
        self.save()  # what was typed for another highlight
        self.highlight_id = None
        # Every part's words; quotation marks of the text itself are not doubled.
        words = visible(highlight.quote)
        self.quote.setText(("" if words.startswith("“") else "“") + words
                           + ("" if words.endswith("”") else "”"))
        self._show(highlight, every_field=True)
        self.tags.set_known(self.marks.tags())
        self._saved("Saved as you type.")
        self.highlight_id = highlight_id
        self.adjustSize()
        # Below the line clicked, so that the card never covers the words it is about.
        below = where + QPoint(-12, self.fontMetrics().height() * 2)
        self.move(on_screen(below, self.size()))
        self.show()
        self.note.setFocus()

    def _show(self, highlight: Highlight, every_field: bool = False) -> None:
        """Show what is saved in every field the person has not changed since it was
        last read or written; a field being edited keeps what is typed."""
        if every_field or (self.note.toPlainText() == self._shown_note
                           and highlight.note != self._stored_note):
            blocked = self.note.blockSignals(True)  # filling the field is no edit
            self.note.setPlainText(highlight.note)
            self.note.blockSignals(blocked)
            # The field may show a note differently (a no-break space as a space).
            self._stored_note, self._shown_note = highlight.note, self.note.toPlainText()
        if every_field or (self.tags.tags() == self._shown_tags
                           and highlight.tags != self._stored_tags):
            self.tags.setText(", ".join(highlight.tags))
            self._stored_tags, self._shown_tags = highlight.tags, self.tags.tags()
        for name, button in self.colours.items():
            button.setChecked(name == highlight.colour)

    def _follow(self, change: Change) -> None:
        """This window changed a mark (undo, a colour key, an import): keep the card
        current, and say so if the highlight being edited was deleted."""
        if self.highlight_id is None or not self.isVisible() or \
                not change.about(HIGHLIGHTS) or \
                not (change.everything or self.highlight_id in change.ids):
            return
        highlight = self.marks.highlight(self.highlight_id) if change.everything \
            else change.mark(self.highlight_id)
        if highlight is not None and DELETED not in change.fields:
            self._show(highlight)
            return
        self._timer.stop()
        self.highlight_id = None
        self.status.setText("This highlight has been deleted; what is typed here is "
                            "not saved.")

    def _changes(self) -> tuple[str | None, list[str] | None]:
        """The note and tags the person changed since they were last read or written;
        None for a field left as it was."""
        note, tags = self.note.toPlainText(), self.tags.tags()
        return (note if note != self._shown_note else None,
                tags if tags != self._shown_tags else None)

    def _edited(self) -> None:
        # Typing back what was there is no edit, and a pending save then writes nothing.
        if self.highlight_id is not None and self._changes() != (None, None):
            self.status.setText("Saving…")
            self._timer.start()

    def save(self) -> None:
        """Write what the person changed in the note and tags now (the timer calls this,
        so does hiding); a field left alone is not written, so that what another window
        saved in it meanwhile stays."""
        self._timer.stop()
        if self.highlight_id is None:
            return
        note, tags = self._changes()
        if note is None and tags is None:
            self._saved("Saved.")
            return
        if self.marks.read_only:
            self.status.setText("Your notes are read-only, so this note is not saved.")
            return
        saved = self.marks.edit(self.highlight_id, note=note, tags=tags)
        if saved is None:
            self.status.setText("This highlight has been deleted, so the note cannot be "
                                "saved; Ctrl+Z brings the highlight back.")
            self.highlight_id = None
            return
        if note is not None:
            self._stored_note, self._shown_note = saved.note, note
        if tags is not None:
            self._stored_tags, self._shown_tags = saved.tags, tags
        self._show(saved)  # what another window saved meanwhile in the other fields
        self._saved("Saved.")

    def _saved(self, text: str) -> None:
        # The note field keeps the characters as typed (a person edits what they
        # wrote, and a copy stays exact); a direction control there reorders only the
        # rest of its own line, inside the field. Say that it is there, since the
        # field cannot show it: the panels and tooltips show it by name.
        names = hidden_in(self.note.toPlainText())
        if names:
            what = "an invisible character that reorders" if len(names) == 1 else \
                "invisible characters that reorder"
            text = (f"{text.rstrip('.')}; the note holds {what} text ({', '.join(names)}), "
                    "shown by name in the panels.")
        self.status.setText(text)

    def set_colour(self, name: str) -> None:
        """Make the highlight being edited this colour (a colour button, or its key)."""
        for other, button in self.colours.items():
            button.setChecked(other == name)
        if self.highlight_id is not None:
            self.marks.edit(self.highlight_id, colour_name=name)

    def delete(self) -> None:
        """Delete the highlight being edited, its note saved first (for undo), and close."""
        if self.highlight_id is not None:
            self.save()
            highlight_id, self.highlight_id = self.highlight_id, None
            self.marks.delete(highlight_id)
        self.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Escape closes the card from any field (the note is saved as it closes).
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.save()
        super().hideEvent(event)
        self.closed.emit()
