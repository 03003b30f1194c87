"""One launch that reports its first paint: ``python startup_child.py app|bare [ARCHIVE]``.

``app`` is a launch of ``archive-browser --archive ARCHIVE``, through the command line's
own entry (``desktop.cli.main``: its parser, the link server, the running lock, the notes,
the window), and waits for the reader to paint the archive's first document; ``bare`` is
the baseline, a PySide6 window with one text widget. At the first paint the child prints
``painted PEAK_KB`` and the launch quits; the
parent times it from process start.
"""

from __future__ import annotations

import importlib.util
import resource
import sys

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer


class FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, report)
            watched.removeEventFilter(self)
        return False





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
    # After the figure is taken, the launch quits as a person's quit does (its notes
    # closed), so that the next launch finds them as a person's next launch would.
    QCoreApplication.quit()


class WatchWindow:
    """Watches the window the launch opens for its first paint: once the launch has loaded
    ``desktop.gui.app`` (when it loads it, as it would, not before), its windows are
    opened with the watcher on their reader. (A finder of the import system, written
    without ``importlib.abc``, which would load modules the bare window does not.)"""

    def __init__(self, watcher: QObject) -> None:
        self.watcher = watcher

    def find_spec(self, name: str, path: object, target: object = None) -> object:
        if name != "desktop.gui.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        loader = spec.loader
        watcher = self.watcher

        class Watched:
            def create_module(self, spec: object) -> None:
                return None

            def exec_module(self, module: object) -> None:
                loader.exec_module(module)
                opened = module.Application.open_window

                def open_window(running: object, archive: object) -> object:
                    window = opened(running, archive)
                    window.reader.viewport().installEventFilter(watcher)
                    return window

                module.Application.open_window = open_window

        spec.loader = Watched()
        return spec


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
        from desktop import cli

        sys.meta_path.insert(0, WatchWindow(watcher))
        sys.exit(cli.main(["--archive", sys.argv[2]]))
    sys.exit(app.exec())


if __name__ == "__main__":
    main()
