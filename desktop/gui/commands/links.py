"""Following the essay's links: a card for a footnote or a quotation, and where it leads."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication

from desktop.archive.store import Archive
from desktop.gui.commands.navigation import Navigator
from desktop.gui.popup import InfoCard
from desktop.gui.reader import ReaderView

QUOTATION_HEADINGS = {"direct": "Quotation", "term": "A term of the time",
                      "scare": "The author’s quotation marks"}


class LinkCommands:
    """Opens the card of a footnote or quotation, and follows what it offers."""

    def __init__(self, archive: Archive, reader: ReaderView, card: InfoCard,
                 navigator: Navigator, open_note: Callable[[str, QPoint], None],
                 show_source: Callable[[str], None], style: Callable[[], str], *,
                 elsewhere: Callable[[bool], Navigator] | None = None,
                 toward: Callable[[str], Navigator] | None = None) -> None:
        self.archive = archive
        self.reader = reader
        self.card = card
        self.navigator = navigator
        # Where a quotation's source opens (``elsewhere(True)``: the pane beside, opened
        # if it is not), and where "Quoted in the essay" leads back (``elsewhere(False)``:
        # the pane beside if it is open); this pane's own navigator when there is no other.
        self.elsewhere = elsewhere or (lambda _open: navigator)
        # Where a document is already being read (the essay, for "Quoted in the essay").
        self.toward = toward or (lambda _document: self.elsewhere(False))
        self.open_note = open_note
        self.show_source = show_source
        self.style = style  # the citation style the person chose
        self._citation = ""
        self._targets: dict[str, str] = {}
        self._under_click: list[tuple[str, str]] = []
        reader.linkFollowed.connect(self.follow)
        card.action.connect(self.card_action)

    def _fill(self, heading: str, lines: list[str], actions: list[tuple[str, str, str]],
              href: str, cited: tuple[str, str | None] | None = None) -> None:
        # One card serves every pane: its buttons act for the pane that filled it.
        self.card.filled_by = self  # type: ignore[attr-defined]
        self.card.fill(heading, lines, actions, cited=cited)
        self.card.show_at(self._card_near(href))

    def follow(self, kind: str, ident: str) -> None:
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

    def _card_near(self, href: str) -> QPoint:
        """Below the click that opened it, or below the link when the keyboard did."""
        line = self.reader.fontMetrics().height() * 2
        point = self.reader.last_click
        if point is None:
            point = self.reader.link_rect(href).bottomLeft()
        self.reader.last_click = None
        return self.reader.viewport().mapToGlobal(point + QPoint(-12, line))

    def show_note(self, footnote_id: int) -> None:
        note = self.archive.footnote(footnote_id)
        if note is None:
            return
        actions = []
        self._targets = {}
        if note.source_id:
            self._targets["source"] = note.source_id
            actions.append(("source", "Source &Record", "Show this source’s full record"))
        self._targets["note"] = note.note_passage_id
        actions.append(("note", "Go to &Note", "Go to the note at the end of the essay"))
        self._offer_highlight(actions)
        source = self.archive.source(note.source_id) if note.source_id else None
        self._fill(f"Note {note.marker}", [note.note], actions, f"note:{footnote_id}",
                   (source.title, source.subtitle) if source is not None else None)

    def show_quotation(self, quotation_id: int) -> None:
        quotation = self.archive.quotation(quotation_id)
        if quotation is None:
            return
        source = self.archive.source(quotation.source_id) if quotation.source_id else None
        lines = []
        actions = []
        self._targets = {}
        heading = QUOTATION_HEADINGS.get(quotation.kind, "Quotation")
        if source is not None:
            heading += f" from {source.title}"
            if source.description:
                lines.append(source.description)
            self._targets["source"] = source.id
            actions.append(("source", "Source &Record", "Show this source’s full record"))
        excerpt = self.archive.excerpt(quotation.excerpt_id) \
            if quotation.excerpt_id is not None else None
        if excerpt is not None:
            document = self.archive.document(excerpt.document_id)
            self._targets["excerpt"] = excerpt.passage_id
            name = document.title if document else "the source"
            actions.insert(0, ("excerpt", "Read in &Context",
                               f"Show these words in {name}, beside the essay"))
        # The words' citation, as Copy with Citation gives it: a source's words quoted
        # in the essay are cited as the source's.
        # (Loaded when a quotation's card is first opened, not with the window.)
        from desktop.archive.attribution import attribute_quotation
        from desktop.archive.styles import format_citation, quote_with_citation

        attribution = attribute_quotation(self.archive, quotation_id)
        lines.append(format_citation(self.archive, attribution, self.style()))
        self._citation = quote_with_citation(self.archive, attribution, self.style())
        actions.append(("cite", "Cop&y Citation", "Copy these words with their citation"))
        self._offer_highlight(actions)
        self._fill(heading, lines, actions, f"quote:{quotation_id}")

    def _offer_highlight(self, actions: list[tuple[str, str, str]]) -> None:
        if self._under_click:
            self._targets["highlight"] = self._under_click[-1][0]
            actions.append(("highlight", "Your &Note", "Open your note on these highlighted "
                            "words"))

    def card_action(self, key: str) -> None:
        if getattr(self.card, "filled_by", self) is not self:
            return  # the card is another pane's
        target = self._targets.get(key, "")
        if key == "highlight":
            self.open_note(target, self.card.pos())
        elif key == "source":
            self.show_source(target)
        elif key == "cite":
            QApplication.clipboard().setText(self._citation)
        elif key == "excerpt":
            # Beside the essay, which stays where it is.
            self.elsewhere(True).go_to_passage(target, whole=True)
        elif key == "note":
            self.navigator.go_to_passage(target, whole=True)

    def back_to_essay(self, excerpt_id: int) -> None:
        excerpt = self.archive.excerpt(excerpt_id)
        if excerpt is not None:
            essay = self.archive.passage(excerpt.essay_passage_id)
            target = self.toward(essay.document_id) if essay else self.elsewhere(False)
            target.go_to_passage(excerpt.essay_passage_id, ((excerpt.start, excerpt.end),))
