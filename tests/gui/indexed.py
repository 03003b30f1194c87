"""An archive of the essay with an index of its own, for the tests of the index's panels.

The shipped catalogue's own entities and events (if it has them) are set aside and these
put in their place, so that the tests know every name, count and date they look for,
whatever the curated index comes to hold. Every description and label is said by the
essay itself.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from desktop.archive.build import build

ENTITIES = r'''
[[entities]]
id = "zinoviev"
kind = "person"
name = "Grigorii Zinoviev"
aliases = ["Zinoviev"]
description = """Bolshevik leader; told a special party conference in September 1920 \
that the “ranks and tops” debate also concerned political power."""

[[entities]]
id = "petrzhek"
kind = "person"
name = "Vladimir Petrzhek"
aliases = ["Petrzhek"]
description = """An auto worker at the AMO works whose letter resigning from the party \
the Moscow communists discussed in June 1922."""

[[entities]]
id = "lenin"
kind = "person"
name = "Lenin"

[[entities]]
id = "kronshtadt"
kind = "place"
name = "Kronshtadt"
description = """A naval base, a bulwark of Bolshevism in 1917, where there was an \
uprising in March 1921."""

[[entities]]
id = "moscow"
kind = "place"
name = "Moscow"

[[entities]]
id = "workers-truth"
kind = "organisation"
name = "Workers Truth group"
description = """Formed in 1921 by Red army veterans studying in the new communist \
universities; led by women."""

[[entities]]
id = "bolsheviks"
kind = "organisation"
name = "Bolshevik party"
aliases = ["Bolsheviks", "Bolshevik"]

[[entities]]
id = "nep"
kind = "event"
name = "New Economic Policy"
aliases = ["NEP"]

[[events]]
date = "1918/1919"
label = "The civil war"
find = "civil war of 1918-19"

[[events]]
date = "1920-09"
label = "Zinoviev speaks at a special party conference"
from = "Grigorii Zinoviev told"
to = "September 1920"

[[events]]
date = "1921-03"
label = "The uprising at Kronshtadt"
from = "in March 1921, there was"
to = "Kronshtadt naval base"

[[events]]
date = "1921"
label = "The Workers Truth group is formed"
from = "the Workers Truth group"
to = "formed in 1921"

[[events]]
date = "1921-04/1921-05"
label = "Soviet elections"
find = "soviet elections of April-May 1921"

[[events]]
date = "1922-06"
label = "Moscow communists discuss Petrzhek’s letter"
from = "In June 1922"
to = "gathered to discuss a letter"

[[events]]
date = "1923-09"
label = "The Workers Truth group is broken up"
from = "The group was broken up"
to = "September 1923"
'''

_TABLE = re.compile(r"^\[\[?([a-z_]+)\]\]?\s*$", re.MULTILINE)


def without_index(catalogue: str) -> str:
    """The catalogue's text without its ``[[entities]]`` and ``[[events]]`` tables."""
    kept, at, keep = [], 0, True
    for found in _TABLE.finditer(catalogue):
        if keep:
            kept.append(catalogue[at:found.start()])
        at, keep = found.start(), found.group(1) not in ("entities", "events")
    if keep:
        kept.append(catalogue[at:])
    return "".join(kept)


def build_indexed(resources: Path, folder: Path) -> Path:
    """Build the essay's archive with :data:`ENTITIES` as its index, in ``folder``."""
    shutil.copytree(resources, folder, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("archive.db", "*.png", "icons"))
    catalogue = folder / "catalogue.toml"
    catalogue.write_text(without_index(catalogue.read_text(encoding="utf-8")) + ENTITIES,
                         encoding="utf-8")
    build(folder, folder / "indexed.db")
    return folder / "indexed.db"


def as_built_before_the_index(archive: Path, folder: Path) -> Path:
    """A copy of ``archive`` as an archive built before the index is: schema version 1,
    without the index's tables."""
    import sqlite3

    from desktop.archive.schema import ENTITY_TABLES

    old = folder / "before-the-index.db"
    shutil.copy(archive, old)
    with sqlite3.connect(old) as conn:
        for table in ENTITY_TABLES:
            conn.execute(f"DROP TABLE {table}")
        conn.execute("UPDATE archive_meta SET value = '1' WHERE key = 'schema_version'")
    conn.close()
    return old


def with_an_empty_index(archive: Path, folder: Path) -> Path:
    """A copy of ``archive`` whose index names no one and dates nothing (as a folder of
    texts built without names)."""
    import sqlite3

    from desktop.archive.schema import ENTITY_TABLES

    empty = folder / "empty-index.db"
    shutil.copy(archive, empty)
    with sqlite3.connect(empty) as conn:
        for table in reversed(ENTITY_TABLES):
            conn.execute(f"DELETE FROM {table}")
    conn.close()
    return empty
