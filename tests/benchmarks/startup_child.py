"""One launch that reports its first paint: ``python startup_child.py app|bare [ARCHIVE]``.

``app`` starts the way ``archive-browser`` does (``desktop.gui.app``) and waits for the
reader to paint the essay; ``bare`` is the baseline, a PySide6 window with one text
widget. At the first paint the child prints ``painted PEAK_KB`` and exits; the
parent times it from process start.
"""

from __future__ import annotations

import resource
import sys

from PySide6.QtCore import QEvent, QObject, QTimer


class FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, report)
            watched.removeEventFilter(self)
        return False


OPEN: list[object] = []  # what the application closes when it quits


def peak_kb() -> int:
    """This process's peak resident memory, in KiB: Linux's ``VmHWM``, which is this
    program's own. (``ru_maxrss`` keeps, across the ``exec`` that started it, the size
    of the process it was forked from: a benchmark that had grown to 1.5 GB would be
    measured in each child it launched.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report() -> None:
    print("painted", peak_kb(), flush=True)
    # After the figure is taken: the notes are closed as a quit closes them, so the next
    # launch finds them as a person's next launch would (not as after a crash).
    for thing in OPEN:
        thing.close()  # type: ignore[attr-defined]
    sys.exit(0)


def main() -> None:
    mode = sys.argv[1]
    watcher = FirstPaint()
    if mode == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow, QTextEdit

        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        text = QTextEdit()
        text.setPlainText("The communists’ dilemma")
        window.setCentralWidget(text)
        window.resize(1280, 820)
        text.viewport().installEventFilter(watcher)
        window.show()
    else:
        from pathlib import Path

        from desktop.gui.app import Application, qt_app

        app = qt_app()
        running = Application()  # as a launch does: the running lock, then the notes
        running.open_notes()
        OPEN.append(running)
        window = running.open_window(Path(sys.argv[2]))
        window.reader.viewport().installEventFilter(watcher)
        window.show()
    app.exec()


if __name__ == "__main__":
    main()
