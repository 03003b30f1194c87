"""Build an archive from a folder of plain-text files, one document each.

Every ``*.txt`` file in the folder (PDF-extracted text like the essay's, or clean
text with a blank line between paragraphs) becomes a document, through the same
cleaning as the essay. A side file with the same name and ``.toml`` gives what the
text cannot: a ``[document]`` table (title, author, date, description, kind,
standfirst, dateline) and, in the same form as ``resources/catalogue.toml``,
``[[sources]]``, ``[[quotations]]`` and ``[[footnotes]]``. An ``archive.toml``
may name the archive (``[archive]`` id and title); otherwise the folder's name does.

A file that cannot be used (not UTF-8, empty, a broken side file) is reported by
name and skipped; with ``strict`` it stops the build. Either way the archive is
written to a temporary file and put in place only when the build succeeds.
"""

from __future__ import annotations

import re
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.archive.build import ArchiveWriter, assemble_catalogue
from desktop.archive.catalogue import parse_catalogue
from desktop.archive.errors import BuildError
from desktop.archive.schema import ARCHIVE_FORMAT, SCHEMA_VERSION, URI_SCHEME

Report = Callable[[str], None]


@dataclass
class FolderBuild:
    archive_id: str
    documents: int = 0
    passages: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def slug(text: str) -> str:
    """An id safe in a URI: lower-case letters, digits and hyphens."""
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value or "document"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BuildError(f"{path.name} is not valid TOML ({exc}).") from exc


def _archive_identity(source: Path) -> tuple[str, str]:
    settings = source / "archive.toml"
    if settings.exists():
        table = _read_toml(settings).get("archive", {})
        if isinstance(table, dict) and isinstance(table.get("id"), str):
            return slug(table["id"]), str(table.get("title", ""))
    return slug(source.resolve().name), source.resolve().name


def _catalogue_for(text: Path, document_id: str, archive_id: str) -> dict[str, Any]:
    side = text.with_suffix(".toml")
    data = _read_toml(side) if side.exists() else {}
    document = dict(data.get("document", {})) if isinstance(data.get("document"), dict) else {}
    document.update({"id": document_id, "source_text": text.name})
    document.setdefault("kind", "text")
    return {"archive": {"id": archive_id}, "documents": [document],
            **{key: data[key] for key in ("sources", "quotations", "footnotes") if key in data}}


def build_folder(source: Path, output: Path, *, strict: bool = False,
                 report: Report | None = None) -> FolderBuild:
    """Build ``output`` from every ``*.txt`` in ``source``; return what was built."""
    source = Path(source)
    if not source.is_dir():
        raise BuildError(f"{source} is not a folder of texts.")
    texts = sorted(p for p in source.iterdir() if p.suffix.lower() == ".txt" and p.is_file())
    if not texts:
        raise BuildError(f"{source} holds no .txt files to build an archive from.")
    archive_id, title = _archive_identity(source)
    result = FolderBuild(archive_id)
    writer = ArchiveWriter(output)
    used: set[str] = set()
    sources: set[str] = set()
    last_report = time.monotonic()
    try:
        for number, text in enumerate(texts, 1):
            document_id = slug(text.stem)
            while document_id in used:
                document_id += "-2"
            try:
                cat = parse_catalogue(_catalogue_for(text, document_id, archive_id),
                                      f"The side file of {text.name}")
                clash = sources & {s.id for s in cat.sources}
                if clash:
                    raise BuildError(f"the source id “{sorted(clash)[0]}” is also defined "
                                     "by another side file")
                built = assemble_catalogue(cat, source, every_quote_classified=False)
            except BuildError as exc:
                if strict:
                    raise BuildError(f"{text.name}: {exc}") from exc
                result.skipped.append((text.name, str(exc)))
                if report:
                    report(f"Skipped {text.name}: {exc}")
                continue
            used.add(document_id)
            sources |= {s.id for s in cat.sources}
            writer.add(built)
            result.documents += 1
            result.passages += len(built.passages)
            if report and time.monotonic() - last_report > 1:
                last_report = time.monotonic()
                report(f"{number:,} of {len(texts):,} files, {result.passages:,} passages…")
        if not result.documents:
            raise BuildError(f"None of the {len(texts)} files in {source} could be used.")
        if report:
            report(f"Indexing {result.passages:,} passages for search…")
        writer.finish({"format": ARCHIVE_FORMAT, "schema_version": str(SCHEMA_VERSION),
                       "archive_id": archive_id, "title": title,
                       "uri_prefix": f"{URI_SCHEME}://{archive_id}/"})
    except BaseException:
        writer.abort()
        raise
    return result
