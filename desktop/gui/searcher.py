"""Searches run on a thread of their own, so that typing never waits for the archive.

The thread opens its own :class:`~desktop.archive.store.Archive` (one SQLite
connection per thread), when it is first asked to search it (not while the window is
starting). Each search the panel asks for carries a number; a newer one
interrupts the search that is running (``Archive.interrupt()``), and a result whose
number is no longer the latest is dropped by the panel when it arrives.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.archive.errors import ArchiveError
from desktop.archive.store import Archive
from desktop.gui import entity_search


class Searcher(QObject):
    """Runs :meth:`Archive.search <desktop.archive.store.Archive.search>` off the GUI thread.

    ``found(number, offset, results)`` is emitted from the worker and so delivered
    queued, on the GUI thread. A full first page comes without its count, so that it is
    shown at once; ``counted(number, total)`` follows (``total`` None if the count
    was stopped).
    """

    found = Signal(int, int, object)
    counted = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.latest = 0  # the number of the newest search asked for
        self._jobs: queue.SimpleQueue[tuple[int, str, int] | Path | None] = \
            queue.SimpleQueue()
        self._lock = threading.Lock()  # guards _archive between the two threads
        self._archive: Archive | None = None
        self._by_entity = entity_search.EntitySearch()  # used on the worker thread only
        thread = threading.Thread(target=self._work, args=(self._jobs,),
                                  name="archive-search", daemon=True)
        thread.start()
        # The worker ends with its panel; it holds only the queue, not the panel.
        jobs = self._jobs
        self.destroyed.connect(lambda *_: jobs.put(None))

    def open(self, path: Path) -> None:
        """Search the archive at ``path`` from now on."""
        self.interrupt()
        self._jobs.put(Path(path))

    def ask(self, text: str, offset: int = 0, *, newer: bool = True) -> int:
        """Ask for a page of results; a ``newer`` search stops the one running."""
        if newer:
            self.latest += 1
            self.interrupt()
        self._jobs.put((self.latest, text, offset))
        return self.latest

    def cancel(self) -> None:
        """Whatever is running or waiting is no longer wanted."""
        self.latest += 1
        self.interrupt()

    def interrupt(self) -> None:
        with self._lock:
            if self._archive is not None:
                self._archive.interrupt()

    def _work(self, jobs: queue.SimpleQueue[tuple[int, str, int] | Path | None]) -> None:
        opening: Path | None = None  # opened when first searched, not while the window starts
        while True:
            job = jobs.get()
            if job is None:
                break
            if isinstance(job, Path):
                self._switch(None)  # the archive searched until now is let go at once
                opening = job
                continue
            number, text, offset = job
            if number != self.latest:
                continue  # a newer search was asked for while this one waited
            if opening is not None:
                self._switch(opening)
                opening = None
            archive = self._archive
            if number != self.latest or archive is None:
                continue  # a newer search was asked for while this one waited
            # Called off between SQLite's steps as soon as a newer search is asked for,
            # even one asked for before this started (which interrupt() would miss).
            def cancelled(number: int = number) -> bool:
                return number != self.latest

            if entity_search.parse(text) is not None:  # entity:NAME, see entity_search.py
                results = self._by_entity.search(archive, text, offset, cancelled=cancelled)
            else:
                results = archive.search(text, offset, cancelled=cancelled, count=False)
            try:
                self.found.emit(number, offset, results)
                if not results.counted and not results.stopped and offset == 0 \
                        and number == self.latest:
                    self.counted.emit(number, archive.count(text, cancelled=cancelled))
            except RuntimeError:  # the panel, and this object, are gone
                break
        self._switch(None)

    def _switch(self, path: Path | None) -> None:
        try:
            archive = Archive(path) if path is not None else None
        except ArchiveError:
            archive = None  # the window has opened it already: this cannot fail alone
        with self._lock:
            old, self._archive = self._archive, archive
        # Closed once no interrupt() can reach it any more.
        if old is not None:
            old.close()
