"""The window and its parts, in PySide6.

Once PySide6 is loaded it looks at every module imported after it, for its
``__feature__`` switches (``snake_case``, ``true_property``), by reading the module's
whole source file into ``linecache`` to see whether it names PySide6: a start-up read
some 140 files again (the standard library's too), about 2 MB of text kept as 5 MB of
lines, and tens of milliseconds before the first paint. Nothing here switches a feature
on, and a module that does is marked by its own ``from __feature__ import``; every other
module is taken as using PySide6 without features (the mark a module that names PySide6
gets), which is what each of them sees anyway when no feature is ever switched on.
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6  # noqa: F401 (loads PySide's support modules, the feature switches among them)


def _uses_pyside(_module: ModuleType) -> bool:
    return True


def _unread_sources() -> None:
    feature = sys.modules.get("PySide6.support.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = _uses_pyside


_unread_sources()
