"""What the reader paints, said to screen readers too.

The reader paints things that are not in its text: ¶ numbers, bookmark ribbons and link
markers in the margin, highlights as coloured backgrounds. A screen reader reads the
text (through the text interface Qt gives a QTextBrowser) and would miss them all. So
the reader's accessible description says what is at the text cursor: the ¶ number of
its passage, whether that passage is bookmarked, its links (the relation and where the
other end is), and the highlights there, each by its colour's name and with its note's
first words.

Why the description, and not an accessible object of its own for the margin: a screen
reader follows the caret through the text, not the accessibility tree, so objects beside
the text are met only by someone exploring the tree on purpose; and replacing the
reader's own accessible interface would lose the text interface it reads the words
from. The description of the focused object is what Orca and NVDA read when the focus
arrives and on request (Orca's "Where am I", NVDA+Tab), and Orca speaks every change to
it (Orca's notes for application developers recommend it for this). Qt's UI Automation
bridge (Windows) passes no description change on, so away from AT-SPI (Linux) a change
is also posted as an announcement, which NVDA and VoiceOver speak; on AT-SPI it is not,
so that Orca does not say it twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop.notes.marks import COLOUR_HEX
from desktop.notes.visible import visible

NOTE_WORDS = 8  # a note's first words are said; the rest is a keystroke away (Ctrl+Shift+N)

# A highlight's colour by the name the application gives it, from the colour drawn
# (alpha aside): what is said is what is painted.
_COLOUR_NAMES = {QColor(value).rgb(): name for name, value in COLOUR_HEX.items()}


def colour_name(painted: QColor) -> str:
    """The name (``yellow``) of a highlight colour as the reader paints it."""
    return _COLOUR_NAMES.get(painted.rgb(), "coloured")


def first_words(note: str, count: int = NOTE_WORDS) -> str:
    """A note's first words on one line, control characters named as the panels show them."""
    words = visible(note).split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def highlight_phrase(colour: str, note: str) -> str:
    """``yellow highlight``, or ``yellow highlight with a note: “first words…”``."""
    if not note.strip():
        return f"{colour} highlight"
    return f"{colour} highlight with a note: “{first_words(note)}”"


def link_phrase(relation: str, other: str, *, outgoing: bool) -> str:
    """What a link's marker says at one end: ``linked: supports ¶ 2 of Minutes…`` at
    the first end, ``linked: ¶ 8 of The communists’ dilemma supports this`` at the
    second (``other`` names where the other end is)."""
    relation = visible(relation)
    return f"linked: {relation} {other}" if outgoing else f"linked: {other} {relation} this"


def describe_place(label: str | None, bookmarked: bool,
                   highlights: Iterable[tuple[str, str]], links: Iterable[str] = ()) -> str:
    """What is at a place in the text, as the reader paints it: the margin's label
    (``¶ 8``, or a footnote's marker), whether the passage is bookmarked, each link
    marked beside it (as :func:`link_phrase` says it), and each highlight there as
    (colour name, note). Empty where nothing is painted."""
    where = ""
    if label:
        where = label if label.startswith("¶") else f"footnote {label}"
    if bookmarked:
        where = f"{where}, bookmarked" if where else "bookmarked passage"
    parts = [where] if where else []
    parts += list(links)
    parts += [highlight_phrase(colour, note) for colour, note in highlights]
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def _description_changes_are_spoken() -> bool:
    # AT-SPI (X11 and Wayland) carries a change of description to Orca, which speaks it.
    platform = QGuiApplication.platformName()
    return platform == "xcb" or platform.startswith("wayland")


def announce(widget: QWidget, message: str) -> None:
    """Ask screen readers to say ``message`` (politely: after what they are saying)."""
    # Loaded when first said: the class and its eight enums cost some 3 ms at start.
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

    QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(widget, message))


def screen_reader_on() -> bool:
    """Whether a screen reader (or another assistive tool) is listening."""
    from PySide6.QtGui import QAccessible

    return QAccessible.isActive()


class CursorDescription:
    """Keeps a text view's accessible description saying what is at its cursor.

    ``describe`` answers from what the view holds in memory (no database read), and is
    asked once per turn of the event loop however many times the cursor moved in it: a
    mouse drag moves it at every pixel, and showing a document redraws its marks in
    steps whose halfway states must not be said. Where nothing is painted at the cursor,
    the description is ``hint``, what the view is and how to use it.
    """

    def __init__(self, view: QWidget, describe: Callable[[], str], hint: str) -> None:
        self.view = view
        self.describe = describe
        self.hint = hint
        self._said = ""
        view.setAccessibleDescription(hint)
        self._timer = QTimer(view)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.update_now)

    def update(self) -> None:
        """The cursor moved, or the marks around it changed: describe it soon."""
        self._timer.start()

    def update_now(self) -> None:
        said = self.describe()
        if said == self._said:
            return
        self._said = said
        # Qt tells screen readers of the change itself (a DescriptionChanged event).
        self.view.setAccessibleDescription(said or self.hint)
        if said and self.view.hasFocus() and not _description_changes_are_spoken() \
                and screen_reader_on():
            announce(self.view, said)
