"""A person's own text, shown so that what is on screen is what was written.

Control characters are invisible, and the ones that set the direction of text
(U+202E RIGHT-TO-LEFT OVERRIDE and its kin) reorder whatever follows them: a note
written "evil" with an override in front reads "live", and the label, quote mark
or place name beside it moves too. Wherever a person's note, tag, label or
highlighted words are displayed (and in the Markdown export), each such character
is shown by name, as ``[U+202E]``; what is stored stays exactly as it was typed.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and every character that sets direction:
# the marks (LRM, RLM, ALM), the embeddings and overrides, and the isolates.
HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with each control and direction character replaced by its name."""
    return HIDDEN.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def hidden_in(text: str) -> list[str]:
    """The names of the control and direction characters in ``text``, each once."""
    return sorted({f"U+{ord(c):04X}" for c in HIDDEN.findall(text)})
