"""Progress with a Cancel button for long exports and imports, on the GUI thread or beside it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

T = TypeVar("T")


class ProgressDialog:
    """Report the progress of long work in a dialog with a Cancel button.

    Called by the notes layer as ``progress(done, total)``; returns False once the
    person has pressed Cancel, and the work then stops and changes nothing.
    """

    EVERY = 250

    def __init__(self, parent: QWidget, label: str) -> None:
        self.dialog = QProgressDialog(label, "Cancel", 0, 100, parent)
        self.dialog.setWindowTitle("Archive Browser")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(400)  # short work finishes before it appears
        self.dialog.setAutoClose(False)

    def __call__(self, done: int, total: int) -> bool:
        if done % self.EVERY == 0 or done == total:
            self.dialog.setMaximum(max(1, total))
            self.dialog.setValue(min(done, total))
            QApplication.processEvents()
        return not self.dialog.wasCanceled()

    def close(self) -> None:
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()


class _Relay(QObject):
    """Signals from the worker thread, delivered on the GUI thread (queued by Qt, since
    this object and the dialog live there)."""

    maximum = Signal(int)
    value = Signal(int)
    finished = Signal()


class Background(ProgressDialog):
    """A progress dialog with Cancel for work on a thread of its own: the window keeps drawing
    and answering while it runs.

    The work receives this object as its ``progress(done, total)``; it opens its own
    connections (one SQLite connection per thread) and only reports numbers, which
    reach the dialog as signals: widgets are touched on the GUI thread alone.
    """

    def __init__(self, parent: QWidget, label: str, *, cancellable: bool = True) -> None:
        super().__init__(parent, label)
        if not cancellable:
            self.dialog.setCancelButton(None)  # type: ignore[arg-type]
        self._cancelled = threading.Event()
        self.dialog.canceled.connect(self._cancelled.set)
        self._relay = _Relay()
        self._relay.maximum.connect(self.dialog.setMaximum)
        self._relay.value.connect(self.dialog.setValue)

    def __call__(self, done: int, total: int) -> bool:
        if done % self.EVERY == 0 or done == total:
            self._relay.maximum.emit(max(1, total))
            self._relay.value.emit(min(done, total))
        return not self._cancelled.is_set()

    def run(self, work: Callable[[Background], T]) -> T:
        """Run ``work(self)`` on a worker thread, processing the window's events until
        it ends; return its result or raise its exception here."""
        outcome: list[tuple[bool, Any]] = []

        def target() -> None:
            try:
                outcome.append((True, work(self)))
            except BaseException as exc:  # handed to the GUI thread, raised there
                outcome.append((False, exc))
            finally:
                self._relay.finished.emit()

        loop = QEventLoop()
        self._relay.finished.connect(loop.quit)
        # Shown (and modal) at once: nothing in the window may change while it works.
        self.dialog.show()
        thread = threading.Thread(target=target, name="notes-import", daemon=True)
        thread.start()
        loop.exec()
        thread.join()
        (ok, result), = outcome
        if not ok:
            raise result
        return result  # type: ignore[no-any-return]
