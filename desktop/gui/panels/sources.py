"""The sources panel: every source, its full record, and the passages that draw on it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QListView, QSplitter, QTextBrowser, QWidget

from desktop.archive.cite import human_date
from desktop.archive.places import in_document, where
from desktop.archive.store import Archive
from desktop.gui.models import SourceIdRole, SourcesModel


class SourcesPanel(QSplitter):
    """Every source, with its full record and the passages that draw on it."""

    goTo = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setObjectName("sources-panel")
        self.archive: Archive | None = None
        self.model = SourcesModel()
        self.list = QListView()
        self.list.setObjectName("sources-list")
        self.list.setAccessibleName("Sources")
        self.list.setToolTip("Every source the essay draws on; select one to see its record")
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.record = QTextBrowser()
        self.record.setObjectName("source-record")
        self.record.setAccessibleName("Source record")
        self.record.setToolTip("The selected source’s record and the passages that draw on "
                               "it; click a passage to go there")
        self.record.setOpenLinks(False)
        self.record.anchorClicked.connect(self._follow)
        self.addWidget(self.list)
        self.addWidget(self.record)
        self.setStretchFactor(1, 2)
        self.list.selectionModel().currentChanged.connect(
            lambda current, _previous: self.show_source(current.data(SourceIdRole)))

    def set_archive(self, archive: Archive) -> None:
        self.archive = archive
        self.model.set_archive(archive)
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))

    def select(self, source_id: str) -> None:
        row = self.model.row_of(source_id)
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))
            self.show_source(source_id)

    def show_source(self, source_id: str | None) -> None:
        """Fill the record view: plain text and formats only, never markup."""
        self.record.clear()
        if self.archive is None or not source_id:
            return
        source = self.archive.source(source_id)
        if source is None:
            return
        cursor = QTextCursor(self.record.document())
        bold, label, plain = QTextCharFormat(), QTextCharFormat(), QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        bold.setFontPointSize(self.font().pointSizeF() * 1.15)
        label.setFontWeight(QFont.Weight.DemiBold)
        cursor.insertText(source.title, bold)
        fields = [("Subtitle", source.subtitle), ("Kind", source.kind),
                  ("Author", source.author), ("Publisher", source.publisher),
                  ("Year", source.year), ("Date", human_date(source.date)),
                  ("Held in", source.archive),
                  ("Web", source.url)]
        for name, value in fields:
            if value:
                cursor.insertBlock()
                cursor.insertText(f"{name}: ", label)
                cursor.insertText(value, plain)
        if source.description:
            cursor.insertBlock()
            cursor.insertBlock()
            cursor.insertText(source.description, plain)
        cursor.insertBlock()
        cursor.insertBlock()
        cursor.insertText("Passages that draw on it:", label)
        drawing = self.archive.passages_drawing_on(source_id)
        titles = self.archive.titles({p.document_id for p in drawing})
        for passage in drawing:
            cursor.insertBlock()
            link = QTextCharFormat()
            link.setAnchor(True)
            link.setAnchorHref(f"go:{passage.document_id}:{passage.id}")
            link.setForeground(self.palette().link())
            link.setFontUnderline(True)
            cursor.insertText(in_document(titles[passage.document_id],
                                          where(passage.paragraph, passage.kind)), link)
            preview = passage.text if len(passage.text) < 90 else passage.text[:88] + "…"
            cursor.insertText(f" — {preview}", plain)
        self.record.moveCursor(QTextCursor.MoveOperation.Start)

    def _follow(self, url) -> None:  # type: ignore[no-untyped-def]
        parts = url.toString().split(":", 2)
        if len(parts) == 3 and parts[0] == "go":
            self.goTo.emit(parts[1], parts[2])
