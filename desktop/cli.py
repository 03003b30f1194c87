"""The command line: launch the reader (the default), build and check the archive."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import shutil
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from desktop import paths
from desktop.archive.errors import ArchiveError, BuildError
from desktop.notes.errors import NotesError

PROG = "archive-browser"


class _Version(argparse.Action):
    """--version, looked up only when asked for: reading the installed package's metadata
    costs tens of milliseconds that a launch need not pay."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        print(f"{PROG} {paths.version()}")
        parser.exit()


class _WindowOnly(argparse.ArgumentParser):
    """The options of a launch of the window alone, without the commands: what it cannot
    read is read again by the whole parser, which says what is wrong."""

    def error(self, message: str) -> NoReturn:
        raise _NotForTheWindow(message)


class _NotForTheWindow(Exception):
    pass


def _parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    parser = (argparse.ArgumentParser if with_commands else _WindowOnly)(
        prog=PROG,
        description="Read Simon Pirani’s essay “The communists’ dilemma”, follow each "
                    "quotation to its source, and keep your own notes on it.",
    )
    parser.add_argument("--archive", type=Path, metavar="PATH",
                        help="the archive file to open (default: the one opened last, else "
                             "the archive.db shipped with the application)")
    parser.add_argument("--version", action=_Version, nargs=0,
                        help="print the version and exit")
    parser.add_argument("--screenshot", type=Path, metavar="PNG",
                        help="render the main window as it first appears, save it as a PNG "
                             "image and exit")
    parser.add_argument("--open", dest="open_uri", metavar="URI",
                        help="open the window at the passage an archive-browser:// link "
                             "names")
    parser.add_argument("--beside", metavar="URI",
                        help="with it, a second pane beside the first, at the passage this "
                             "link names (side by side)")
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser(
        "build", help="build an archive from the resources, or from a folder of texts",
        description="Build an archive. From a folder holding catalogue.toml (the default: "
                    "the application's resources/), the curated archive of the essay. From "
                    "any other folder, every .txt file in it becomes a document, cleaned as "
                    "the essay is, with an optional NAME.toml side file beside each. The new "
                    "archive replaces the old one only when the build succeeds.")
    build.add_argument("resources", nargs="?", type=Path, metavar="SOURCE_DIR",
                       help="the folder to build from (default: the application's "
                            "resources/)")
    build.add_argument("--output", "-o", type=Path, metavar="FILE",
                       help="where to write the archive (default: the archive.db the application "
                            "carries, and in a checkout its copy at the top level)")
    build.add_argument("--explain", action="store_true",
                       help="list every decision the text cleaner made, with its line "
                            "number in the source text, and suggest the names and dates "
                            "found in the texts that no entity or event lists (never "
                            "added by themselves)")
    build.add_argument("--strict", action="store_true",
                       help="for a folder of texts: stop at the first file that cannot be "
                            "used, instead of reporting and skipping it")
    check = commands.add_parser(
        "check", help="check an archive for damage and for spans that do not match",
        description="Run SQLite's integrity check and the full-text index's check, and "
                    "verify that every quotation, footnote, excerpt, mention and event points "
                    "at the words it names, and that each event's words give its date. Exits "
                    "with status 1 if anything is wrong.")
    check.add_argument("archive_path", nargs="?", type=Path, metavar="PATH",
                       help="the archive to check (default: --archive, or the shipped one)")
    export = commands.add_parser(
        "export", help="export your annotations and bookmarks (Markdown, JSON or CSV)",
        description="Export your highlights, notes, tags and bookmarks on the archive, in "
                    "reading order. Markdown is for reading and writing with; JSON is the W3C "
                    "Web Annotation model (and what import reads back); CSV is for "
                    "spreadsheets. Without --output the export goes to standard output.")
    export.add_argument("--format", "-f", choices=("markdown", "json", "csv"),
                        default="markdown", help="the file format (default: markdown)")
    export.add_argument("--output", "-o", type=Path, metavar="FILE",
                        help="the file to write (written whole or not at all); without it, "
                             "standard output")
    export.add_argument("--document", metavar="ID",
                        help="only annotations in this document (essay, minutes or letter)")
    export.add_argument("--tag", metavar="TAG", help="only highlights with this tag")
    export.add_argument("--colour", metavar="C",
                        choices=("yellow", "green", "blue", "pink", "purple"),
                        help="only highlights of this colour")
    export.add_argument("--citations", choices=("text", "pandoc"), default="text",
                        help="each highlight's citation as text in the style, or (Markdown "
                             "only) as a pandoc citation, [@pirani2008communists, ¶ 8], for "
                             "pandoc --citeproc with the bibliography of the sources command "
                             "(default: text)")
    export.add_argument("--style", "-s", choices=("chicago", "mla", "apa"), default="chicago",
                        help="the citation style: Chicago (notes and bibliography, 17th "
                             "edition), MLA (9th) or APA (7th); for pandoc, the words of a "
                             "citation of quoted words (quoted in, qtd. in, as cited in); "
                             "default: chicago")
    export.add_argument("--force", action="store_true",
                        help="replace the output file if it exists")
    export.add_argument("--archive", dest="sub_archive", type=Path, metavar="PATH",
                        help="the archive the annotations were made on (default: the "
                             "shipped archive.db)")
    import_ = commands.add_parser(
        "import", help="import annotations from a W3C Web Annotation or Hypothesis JSON file",
        description="Import annotations from a JSON file: this application's own exports, or "
                    "any W3C Web Annotations on this archive's passages or words. Nothing is "
                    "imported if any record is bad; the error names it. Annotations already "
                    "present are kept once; the newer one wins.")
    import_.add_argument("file", type=Path, metavar="FILE", help="the JSON file to import")
    import_.add_argument("--dry-run", action="store_true",
                         help="report what would be added, updated and orphaned, and change "
                              "nothing")
    import_.add_argument("--archive", dest="sub_archive", type=Path, metavar="PATH",
                         help="the archive to place the annotations on (default: the "
                              "shipped archive.db)")
    commands.add_parser(
        "backups", help="list the backups of your notes, newest first",
        description="List the verified backups of your notes (highlights, notes, tags and "
                    "bookmarks) kept in your data folder, newest first.")
    restore = commands.add_parser(
        "restore", help="replace your notes with one of their backups",
        description="Replace your notes with a backup (see the backups command). Quit the "
                    "application first. The notes file being replaced is kept beside it, "
                    "never deleted.")
    restore.add_argument("backup", type=Path, metavar="BACKUP",
                         help="the backup file to restore, as listed by the backups command")
    cite = commands.add_parser(
        "cite", help="print words of a passage with their citation, as Copy with Citation "
                     "gives them",
        description="Print the words of a passage (or the whole passage) with their "
                    "citation, exactly as Copy with Citation copies them: words the essay "
                    "quotes from a source are cited as that source, quoted in the essay; "
                    "the essay's own words as the essay. Exits with status 1 if the passage "
                    "or the words are not found.")
    cite.add_argument("uri", metavar="PASSAGE_URI",
                      help="the passage, by its URI (archive-browser://communists-dilemma/"
                           "essay/p8) or its id (essay/p8)")
    cite.add_argument("--quote", "-q", metavar="WORDS",
                      help="the words to cite, as they stand in the passage (spaces and "
                           "straight or curly quotes need not match); without it, the whole "
                           "passage")
    cite.add_argument("--style", "-s", choices=("chicago", "mla", "apa"), default="chicago",
                      help="the citation style: Chicago (notes and bibliography, 17th "
                           "edition), MLA (9th) or APA (7th); default: chicago")
    cite.add_argument("--format", "-f", choices=("text", "html", "markdown", "pandoc"),
                      default="text",
                      help="plain text, HTML, Markdown, or Markdown with a pandoc citation "
                           "([@key, ¶ 8]); default: text")
    cite.add_argument("--archive", dest="sub_archive", type=Path, metavar="PATH",
                      help="the archive to read (default: the shipped archive.db)")
    search = commands.add_parser(
        "search", help="search the archive as the window's search does, one result a line",
        description="Search every passage of the archive as the window's search panel does "
                    "(words, \"a phrase\", prefix*; any input is safe), best matches first. "
                    "Each result is a line: the document and ¶, then the passage with the "
                    "matched words in [brackets]; with --json, one JSON object a line, with "
                    "the passage's URI, for jq. Exits with status 1 when nothing matches.")
    search.add_argument("query", metavar="QUERY", help="what to search for")
    search.add_argument("--limit", "-n", type=_positive, default=20, metavar="N",
                        help="how many results at most (default: 20)")
    search.add_argument("--json", action="store_true",
                        help="one JSON object a line: uri, passage, document, title, "
                             "paragraph, kind, snippet and the matched spans of the text")
    search.add_argument("--archive", dest="sub_archive", type=Path, metavar="PATH",
                        help="the archive to search (default: the shipped archive.db)")
    sources = commands.add_parser(
        "sources", help="export the bibliography: the essay and every source, as CSL-JSON, "
                        "BibTeX or RIS",
        description="Write the essay and every source record of the archive as a "
                    "bibliography file for Zotero, pandoc, BibTeX or any reference manager, "
                    "with stable citation keys (pirani2008communists). Without --output the "
                    "file goes to standard output.")
    sources.add_argument("--format", "-f", choices=("csl-json", "bibtex", "ris"),
                         default="csl-json", help="the file format (default: csl-json)")
    sources.add_argument("--output", "-o", type=Path, metavar="FILE",
                         help="the file to write (written whole or not at all, replacing "
                              "an older one); without it, standard output")
    sources.add_argument("--archive", dest="sub_archive", type=Path, metavar="PATH",
                         help="the archive to read (default: the shipped archive.db)")
    entities = commands.add_parser(
        "entities", help="list the people, places, organisations and events the archive "
                         "names, with how many times",
        description="List the index of the archive: every person, place, organisation and "
                    "event it names, with its number of mentions, by name or by count. "
                    "Text for reading, CSV for spreadsheets, JSON (with aliases and "
                    "descriptions) for programs.")
    entities.add_argument("--kind", "-k", type=_kind, metavar="KIND",
                          help="only this kind: person, place, organisation or event")
    entities.add_argument("--sort", choices=("name", "count"), default="name",
                          help="by name, or by number of mentions, most first (default: "
                               "name)")
    entities.add_argument("--format", "-f", choices=("text", "csv", "json"), default="text",
                          help="the output format (default: text)")
    entities.add_argument("--archive", dest="sub_archive", type=Path, metavar="PATH",
                          help="the archive to read (default: the shipped archive.db)")
    timeline = commands.add_parser(
        "timeline", help="export the timeline of dated events, with the citation of the "
                         "words that date each",
        description="Write every dated event of the archive in timeline order (by date, a "
                    "year before its months; then in reading order): its date, what "
                    "happened, the citation of the words that date it in the style, and "
                    "the passage's URI. CSV for spreadsheets (the default), JSON, or text "
                    "to read. Without --output it goes to standard output.")
    timeline.add_argument("--format", "-f", choices=("csv", "json", "text"), default="csv",
                          help="the output format (default: csv)")
    timeline.add_argument("--style", "-s", choices=("chicago", "mla", "apa"),
                          default="chicago", help="the citation style (default: chicago)")
    timeline.add_argument("--output", "-o", type=Path, metavar="FILE",
                          help="the file to write (written whole or not at all, replacing "
                               "an older one); without it, standard output")
    timeline.add_argument("--archive", dest="sub_archive", type=Path, metavar="PATH",
                          help="the archive to read (default: the shipped archive.db)")
    sync = commands.add_parser(
        "sync", help="sync your marks with your other computers through a shared folder",
        description="Run one round of sync: merge what your other computers wrote to the "
                    "sync folder since the last round, and write what changed here. The "
                    "folder is one that Syncthing, Nextcloud, Dropbox or the like keeps the "
                    "same on each computer; it is remembered (with this computer's name) in "
                    "sync.json in your data folder. For cron, or a machine with no display.")
    sync.add_argument("--folder", type=_folder, metavar="PATH",
                      help="the shared folder to sync through (remembered for next time)")
    sync.add_argument("--name", type=_name, metavar="NAME",
                      help="this computer's name as the other computers see it (remembered; "
                           "default: the host name)")
    sync.add_argument("--archive", dest="sub_archive", type=Path, metavar="PATH",
                      help="the archive whose marks to sync (default: the shipped archive.db)")
    desktop = commands.add_parser(
        "install-desktop", help="add Archive Browser to the desktop's applications menu and "
                                "make it open archive-browser:// links",
        description="Put the application's .desktop file (the handler of archive-browser:// "
                    "links), its icons and its AppStream metainfo into your "
                    "$XDG_DATA_HOME (~/.local/share), and refresh the desktop's caches "
                    "(update-desktop-database) where the tools exist. The menu entry starts "
                    "this installation of archive-browser.")
    desktop.add_argument("--uninstall", action="store_true",
                         help="take those files out again")
    return parser


def _open_both(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from desktop.archive.store import Archive
    from desktop.notes.store import Notes

    chosen = getattr(args, "sub_archive", None) or args.archive
    archive = Archive(chosen or paths.default_archive())
    try:
        # Reading needs no backup; an import makes one itself before it writes.
        notes = Notes(paths.data_dir(), backup_now=False)
    except BaseException:
        archive.close()
        raise
    for message in notes.report.messages:
        print(f"{PROG}: {message}", file=sys.stderr)
    return archive, notes


def _export(args: argparse.Namespace) -> int:
    from desktop.notes.export import Selection, collect, render_chunks, write_atomically

    archive, notes = _open_both(args)
    try:
        if args.document and archive.document(args.document) is None:
            ids = ", ".join(d.id for d in archive.documents())
            raise NotesError(f"There is no document “{args.document}”; the documents are {ids}.")
        marks = collect(notes, archive, Selection(args.document or "", args.tag or "",
                                                  args.colour or ""))
        chunks = render_chunks(args.format, marks, archive, style=args.style,
                               citations=args.citations)
        if args.output is None:
            for chunk in chunks:
                sys.stdout.write(chunk)
        else:
            write_atomically(args.output, chunks, overwrite=args.force)
            print(f"Exported {len(marks)} annotations and bookmarks to {args.output}.",
                  file=sys.stderr)
    finally:
        notes.close()
        archive.close()
    return 0


def _import(args: argparse.Namespace) -> int:
    from desktop.notes.importer import import_file

    archive, notes = _open_both(args)
    try:
        report = import_file(notes, archive, args.file, dry_run=args.dry_run)
    finally:
        notes.close()
        archive.close()
    print(f"{args.file}: {report.describe()}")
    return 0


def _open_archive(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from desktop.archive.store import Archive

    return Archive(getattr(args, "sub_archive", None) or args.archive
                   or paths.default_archive())


def _cite(args: argparse.Namespace) -> int:
    from desktop.archive.attribution import attribute, attribute_passage, find_words
    from desktop.archive.styles import quote_with_citation

    with _open_archive(args) as archive:
        passage = archive.passage_by_uri(args.uri) or archive.passage(args.uri)
        if passage is None:
            raise ArchiveError(f"There is no passage {args.uri} in the archive "
                               f"{archive.path}.")
        if args.quote is None:
            attribution = attribute_passage(archive, passage)
        else:
            found = find_words(passage.text, args.quote)
            if found is None:
                raise ArchiveError(f"The words “{args.quote}” are not in the passage "
                                   f"{passage.uri}.")
            attribution = attribute(archive, passage, found[0], passage, found[1])
        print(quote_with_citation(archive, attribution, args.style, args.format))
    return 0


def _folder(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("give the path of a folder")
    return Path(text)


def _name(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("give a name, not only spaces")
    return text.strip()


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a whole number") from None
    if not 1 <= number <= 100_000:
        raise argparse.ArgumentTypeError("give a number from 1 to 100000")
    return number


def _search(args: argparse.Namespace) -> int:
    import json

    from desktop.archive.places import in_document, where
    from desktop.archive.search import HIT_END, HIT_START

    with _open_archive(args) as archive:
        results = archive.search(args.query, limit=args.limit)
        if results.stopped:
            raise ArchiveError("This search took too long and was stopped; try rarer words "
                               "or a shorter phrase.")
        for hit in results.hits[:args.limit]:
            place = in_document(hit.document_title, where(hit.paragraph, hit.kind))
            if not args.json:
                snippet = hit.snippet.replace(HIT_START, "[").replace(HIT_END, "]")
                print(f"{place}: {' '.join(snippet.split())}")
                continue
            passage = archive.passage(hit.passage_id)
            print(json.dumps({
                "uri": passage.uri if passage else None, "passage": hit.passage_id,
                "document": hit.document_id, "title": hit.document_title,
                "paragraph": hit.paragraph, "kind": hit.kind, "place": place,
                "snippet": hit.snippet.replace(HIT_START, "").replace(HIT_END, ""),
                "matches": [list(span) for span in
                            archive.matched_spans(args.query, hit.n)]},
                ensure_ascii=False))
    return 0 if results.hits else 1


_KINDS = {"person": "person", "people": "person", "persons": "person", "place": "place",
          "places": "place", "organisation": "organisation", "organisations": "organisation",
          "organization": "organisation", "organizations": "organisation",
          "event": "event", "events": "event"}


def _kind(text: str) -> str:
    kind = _KINDS.get(text.strip().lower())
    if kind is None:
        raise argparse.ArgumentTypeError(
            f"there is no kind “{text}”; the kinds are person, place, organisation and event")
    return kind


def _has_index(archive) -> None:  # type: ignore[no-untyped-def]
    if not archive.has_index:
        raise ArchiveError(f"The archive {archive.path} was built before archives had an "
                           "index of people, places and events; rebuild it with "
                           "archive-browser build.")


def _entities(args: argparse.Namespace) -> int:
    import csv
    import json

    with _open_archive(args) as archive:
        _has_index(archive)
        found = archive.entities(args.kind, order=args.sort)
        names = {e.id: [n for n in archive.entity_names(e.id) if n != e.name] for e in found}
    if args.format == "json":
        print(json.dumps([{"id": e.id, "kind": e.kind, "name": e.name,
                           "aliases": names[e.id], "mentions": e.mention_count,
                           "description": e.description} for e in found],
                         ensure_ascii=False, indent=2))
    elif args.format == "csv":
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["id", "kind", "name", "aliases", "mentions", "description"])
        out.writerows([e.id, e.kind, e.name, "; ".join(names[e.id]), e.mention_count,
                       e.description or ""] for e in found)
    else:
        width = max((len(e.name) for e in found), default=0)
        for e in found:
            print(f"{e.name:<{width}}  {e.kind:<12}  {e.mention_count:>5}")
        if not found:
            print("The archive names no " + (f"{args.kind}s." if args.kind else "entities.")
                  .replace("persons", "people"), file=sys.stderr)
    return 0


def _timeline(args: argparse.Namespace) -> int:
    import csv
    import io
    import json

    from desktop.archive.attribution import attribute
    from desktop.archive.styles import format_citation

    rows = []
    with _open_archive(args) as archive:
        _has_index(archive)
        for event in archive.events():
            passage = archive.passage(event.passage_id)
            if passage is None:
                raise ArchiveError(f"The archive {archive.path} is damaged: event {event.id} "
                                   f"stands in no passage; archive-browser check says more.")
            cited = attribute(archive, passage, event.start, passage, event.end)
            rows.append({"date": event.date, "date_start": event.date_start,
                         "date_end": event.date_end, "when": event.when,
                         "label": event.label, "words": event.text,
                         "citation": format_citation(archive, cited, args.style),
                         "passage": passage.id, "uri": passage.uri})
    if args.format == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        out.writerow(["date", "label", "citation", "uri", "words"])
        out.writerows([r["date"], r["label"], r["citation"], r["uri"], r["words"]]
                      for r in rows)
        text = buffer.getvalue()
    else:
        width = max((len(r["when"]) for r in rows), default=0)
        text = "".join(f"{r['when']:<{width}}  {r['label']}\n{'':<{width}}  "
                       f"{r['citation']}\n" for r in rows)
    if args.output is None:
        sys.stdout.write(text)
    else:
        from desktop.notes.export import write_atomically

        write_atomically(args.output, text, overwrite=True)
        print(f"Wrote the timeline of {len(rows)} events to {args.output}.", file=sys.stderr)
    return 0


def _sources(args: argparse.Namespace) -> int:
    from desktop.archive.references import bibliography
    from desktop.notes.export import write_atomically

    with _open_archive(args) as archive:
        text = bibliography(archive, args.format)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomically(args.output, text, overwrite=True)
        print(f"Wrote the bibliography to {args.output}.", file=sys.stderr)
    return 0


def _sync(args: argparse.Namespace) -> int:
    from msgspec.structs import replace

    from desktop.archive.store import Archive
    from desktop.notes.store import Notes
    from desktop.notes.sync import settings as sync_settings
    from desktop.notes.sync.round import sync_round

    data = paths.data_dir()
    try:
        settings = sync_settings.load(data)
    except NotesError:
        if args.folder is None:
            raise
        # The settings cannot be read, and a folder is given: they are made again (the
        # device's id is kept in the notes, and comes back from them).
        settings = sync_settings.SyncSettings(None, sync_settings.new_device())
    if args.folder is not None:
        settings = settings.with_folder(args.folder.expanduser().resolve())
    if args.name is not None:
        settings = replace(settings, device=replace(settings.device, name=args.name))
    if settings.folder is None:
        raise NotesError("No sync folder is set yet; give one with --folder PATH (it is "
                         "remembered for next time).")
    with Archive(getattr(args, "sub_archive", None) or args.archive
                 or paths.default_archive()) as archive:
        archive_id = archive.archive_id
    notes = Notes(data, backup_now=False)
    try:
        for message in notes.report.messages:
            print(f"{PROG}: {message}", file=sys.stderr)
        report = sync_round(notes, archive_id, settings.folder, settings.device)
    finally:
        notes.close()
    # The notes keep the device's id once they sync: a lost sync.json gets it back.
    sync_settings.save(data, replace(settings, device=replace(settings.device,
                                                               id=report.device)))
    text = report.describe()
    for problem in report.problems:  # each on a line of its own
        text = text.replace(f" {problem}", f"\n{problem}")
    print(f"Synced with {settings.folder} as “{settings.device.name}”: {text}")
    return 0


def _backups() -> int:
    from desktop.notes.backups import backups

    folder = paths.data_dir() / "backups"
    found = backups(folder)
    if not found:
        print(f"No backups yet in {folder}.")
        return 0
    for backup in found:
        print(f"{backup.describe()}  {backup.path}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from desktop.notes.notes_file import restore_backup

    kept = restore_backup(paths.data_dir(), args.backup)
    where = f" The notes it replaced are kept as {kept}." if kept else ""
    print(f"Your notes were restored from {args.backup}.{where}")
    return 0


def _build(args: argparse.Namespace) -> int:
    from desktop.archive.build import build

    resources = args.resources or paths.resources_dir()
    if not (resources / "catalogue.toml").exists():
        return _build_folder(args, resources)
    output = args.output or paths.default_archive()
    built = build(resources, output)
    copy = paths.checkout_archive() if args.output is None else None
    if copy is not None:
        # The top-level archive.db people open with sqlite3 is the packaged one, byte for byte.
        _copy_in_place(output, copy)
    if args.explain:
        from desktop.archive.suggestions import suggest

        for document_id, decision in built.decisions:
            print(f"{document_id}:{decision.line}: {decision.rule}: {decision.detail}")
        for line in suggest(built):
            print(line)
    also = f" (and its copy {copy})" if copy is not None else ""
    print(f"Built {output}{also}: {len(built.documents)} documents, "
          f"{len(built.passages)} passages, "
          f"{len(built.quotations)} quotations, {len(built.sources)} sources, "
          f"{len(built.entities)} entities named {len(built.mentions)} times, "
          f"{len(built.events)} events.")
    return 0


def _install_desktop(args: argparse.Namespace) -> int:
    from desktop import desktop_entry

    if args.uninstall:
        report = desktop_entry.uninstall()
        print(f"Removed {len(report.removed)} files of Archive Browser from "
              f"{desktop_entry.data_home()}.")
    else:
        report = desktop_entry.install()
        print(f"Installed Archive Browser in the applications menu ({len(report.written)} "
              f"files in {desktop_entry.data_home()}); archive-browser:// links open in it.")
    for problem in report.problems:
        print(f"{PROG}: {problem}", file=sys.stderr)
    return 0


def _copy_in_place(source: Path, target: Path) -> None:
    """Put a copy of ``source`` at ``target`` whole or not at all."""
    from desktop.tempfiles import temporary_beside

    with temporary_beside(target) as tmp:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, paths.usual_file_mode())
        os.replace(tmp, target)


def _build_folder(args: argparse.Namespace, source: Path) -> int:
    from desktop.archive.folder import build_folder

    if args.output is None:
        raise BuildError("Give the archive to write with --output FILE.db; the shipped "
                         "archive.db is rebuilt only from resources/.")
    started = time.monotonic()
    result = build_folder(source, args.output, strict=args.strict, explain=args.explain,
                          report=lambda line: print(line, file=sys.stderr, flush=True))
    for line in result.suggestions:
        print(line)
    skipped = f"; {len(result.skipped)} files skipped" if result.skipped else ""
    index = (f", {result.entities:,} entities named {result.mentions:,} times"
             if result.entities else "")
    events = f", {result.events:,} events" if result.events else ""
    print(f"Built {args.output}: {result.documents:,} documents, {result.passages:,} passages"
          f"{index}{events} in {time.monotonic() - started:.0f} s{skipped}.")
    return 0


def _check(args: argparse.Namespace) -> int:
    from desktop.archive.check import check_archive

    path = args.archive_path or args.archive or paths.default_archive()
    problems = check_archive(path)
    for problem in problems:
        print(f"{path}: {problem}", file=sys.stderr)
    if problems:
        print(f"{path}: {len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(f"{path}: the archive is sound.")
    return 0


def _stop_cleanly(signum: int, _frame: object) -> None:
    # A terminated build, export or import unwinds as an interrupted one does,
    # removing its temporary files.
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (by default the process's own arguments) and
    return the exit status, which the caller exits with. It may be called in a running
    program, as the tests do: it raises no ``SystemExit`` and leaves the handler of
    SIGTERM as it found it."""
    words = list(sys.argv[1:] if argv is None else argv)
    link = _launch_link(words)
    try:
        args = _parse(words)
    except SystemExit as exc:
        # argparse has printed the help, or the usage and what is wrong with the words.
        return exc.code if isinstance(exc.code, int) else 0
    args.link = link
    if args.command is None:
        return _run(args)
    import signal  # (a command's: not loaded by a launch of the window)

    previous = signal.signal(signal.SIGTERM, _stop_cleanly)
    try:
        return _run(args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


LINK_SCHEME = "archive-browser://"


COMMANDS = {"build", "check", "export", "import", "backups", "restore", "cite", "search",
            "sources", "install-desktop", "sync", "entities", "timeline"}


def _parse(words: list[str]) -> argparse.Namespace:
    """The launch's words read. A launch of the window (no command named, no help asked
    for) is read without making the commands' parsers, a start-up's few milliseconds."""
    if not any(word in COMMANDS or word in ("-h", "--help") for word in words):
        with contextlib.suppress(_NotForTheWindow):
            return _parser(with_commands=False).parse_args(words)
    return _parser().parse_args(words)


def _launch_link(words: list[str]) -> str | None:
    """Take out of ``words`` a passage's link given to the launch itself
    (``archive-browser archive-browser://…/essay/p8``), not one given to a command."""
    for index, word in enumerate(words):
        if word in COMMANDS:
            return None
        if index > 0 and words[index - 1] in ("--open", "--beside"):
            continue  # the option's own link
        if word.startswith(LINK_SCHEME):
            del words[index]
            return word
    return None


def _collect_from_now() -> None:
    gc.freeze()
    gc.enable()


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "check":
            return _check(args)
        if args.command == "export":
            return _export(args)
        if args.command == "import":
            return _import(args)
        if args.command == "cite":
            return _cite(args)
        if args.command == "sources":
            return _sources(args)
        if args.command == "search":
            return _search(args)
        if args.command == "entities":
            return _entities(args)
        if args.command == "timeline":
            return _timeline(args)
        if args.command == "install-desktop":
            return _install_desktop(args)
        if args.command == "backups":
            return _backups()
        if args.command == "restore":
            return _restore(args)
        if args.command == "sync":
            return _sync(args)
        # Python's cycle collector is paused while the window's modules load and the window
        # is built: what is then made lasts as long as the window, and the collector would
        # walk it all again and again. Once the window is up, what there is is set aside
        # for good (gc.freeze: the collector never walks it again) and the collector
        # resumes.
        collecting = gc.isenabled()
        gc.disable()
        try:
            # The notes file's check at opening begins now, on a thread of its own,
            # beside the loading of the window's modules (see check_ahead).
            from desktop.notes.notes_file import check_ahead

            check_ahead(paths.data_dir())
            from desktop.gui.app import run

            return run(args.archive, screenshot=args.screenshot,
                       link=args.open_uri or args.link, beside=args.beside,
                       started=_collect_from_now if collecting else None)
        finally:
            if collecting:
                gc.enable()
    except (ArchiveError, BuildError, NotesError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader of the output has stopped reading (`| head`): end quietly, as shell
        # tools do, and let nothing more be written to the closed pipe.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:
        if exc.filename:
            print(f"{PROG}: cannot use {exc.filename}: {exc.strerror or exc}.", file=sys.stderr)
        else:
            print(f"{PROG}: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:
        print(f"{PROG}: a database could not be read or written ({exc}); if another "
              "program is using it, close that program and try again.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
