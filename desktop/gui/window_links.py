"""The main window's commands for following footnotes, quotations and excerpts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint

if TYPE_CHECKING:
    from desktop.gui.main_window import MainWindow

KIND_LABELS = {"direct": "Quotation", "term": "A term of the time",
               "scare": "The author’s quotation marks"}


class LinkCommands:
    """Mixed into MainWindow: cards for notes and quotations, and where they lead."""

    def _follow_link(self: MainWindow, kind: str, ident: str) -> None:
        if not ident.isdigit():
            return
        # Words can be both a link and highlighted: the card then offers the note too.
        click = self.reader.last_click
        self._under_click = self.reader.highlights_at(click) if click is not None else []
        if kind == "note":
            self.show_note(int(ident))
        elif kind == "quote":
            self.show_quotation(int(ident))
        elif kind == "back":
            self.back_to_essay(int(ident))

    def _card_near(self: MainWindow, href: str) -> QPoint:
        """Below the click that opened it, or below the link when the keyboard did."""
        line = self.reader.fontMetrics().height() * 2
        point = self.reader.last_click
        if point is None:
            point = self.reader.link_rect(href).bottomLeft()
        self.reader.last_click = None
        return self.reader.viewport().mapToGlobal(point + QPoint(-12, line))

    def show_note(self: MainWindow, footnote_id: int) -> None:
        note = next((f for f in self.archive.footnotes() if f.id == footnote_id), None)
        if note is None:
            return
        actions = []
        self._card_target = {}
        if note.source_id:
            self._card_target["source"] = note.source_id
            actions.append(("source", "Source &Record", "Show this source’s full record"))
        self._card_target["note"] = note.note_passage_id
        actions.append(("note", "Go to &Note", "Go to the note at the end of the essay"))
        self._offer_highlight(actions)
        self.card.fill(f"Note {note.marker}", [note.note], actions)
        self.card.show_at(self._card_near(f"note:{footnote_id}"))

    def show_quotation(self: MainWindow, quotation_id: int) -> None:
        quotation = next((q for q in self.archive.quotations() if q.id == quotation_id), None)
        if quotation is None:
            return
        source = self.archive.source(quotation.source_id) if quotation.source_id else None
        lines = []
        actions = []
        self._card_target = {}
        heading = KIND_LABELS.get(quotation.kind, "Quotation")
        if source is not None:
            heading += f" from {source.title}"
            if source.description:
                lines.append(source.description)
            self._card_target["source"] = source.id
            actions.append(("source", "Source &Record", "Show this source’s full record"))
        if quotation.excerpt_id is not None:
            excerpt = next(e for e in self.archive.excerpts() if e.id == quotation.excerpt_id)
            document = self.archive.document(excerpt.document_id)
            self._card_target["excerpt"] = excerpt.passage_id
            name = document.title if document else "the source"
            actions.insert(0, ("excerpt", "Read in &Context",
                               f"Go to these words in {name}"))
        self._offer_highlight(actions)
        self.card.fill(heading, lines, actions)
        self.card.show_at(self._card_near(f"quote:{quotation_id}"))

    def _offer_highlight(self: MainWindow, actions: list[tuple[str, str, str]]) -> None:
        if self._under_click:
            self._card_target["highlight"] = self._under_click[-1][0]
            actions.append(("highlight", "Your &Note", "Open your note on these highlighted "
                            "words"))

    def _card_action(self: MainWindow, key: str) -> None:
        target = self._card_target.get(key, "")
        if key == "highlight":
            self.note_editor.open_for(target, self.card.pos())
        elif key == "source":
            self.show_source(target)
        elif key in ("excerpt", "note"):
            passage = self.archive.passage(target)
            if passage is not None:
                self.navigate(passage.document_id, passage.id, ((0, len(passage.text)),))

    def show_source(self: MainWindow, source_id: str) -> None:
        self.sources_dock.show()
        self.sources_dock.raise_()
        self.sources.select(source_id)

    def back_to_essay(self: MainWindow, excerpt_id: int) -> None:
        excerpt = next((e for e in self.archive.excerpts() if e.id == excerpt_id), None)
        passage = self.archive.passage(excerpt.essay_passage_id) if excerpt else None
        if excerpt is not None and passage is not None:
            self.navigate(passage.document_id, passage.id, ((excerpt.start, excerpt.end),))

