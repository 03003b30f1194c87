"""The GUI's one door to the person's marks, bound to the archive a window reads.

Only this module talks to the notes layer's store. Every panel asks :class:`Marks`
what to show, and hears from it what changed: each operation is written through
the store at once (durable when it returns), recorded for undo, and announced as a
:class:`~desktop.notes.changes.Change` on :attr:`Marks.changed`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from desktop.archive.store import Archive, Passage
from desktop.gui.undo import PutBookmark, PutHighlight, PutLink, short
from desktop.notes.anchoring import ANCHORED, ORPHANED, Selector, select
from desktop.notes.changes import BOOKMARKS, HIGHLIGHTS, LINKS, Change, everything
from desktop.notes.marks import COLOURS, Bookmark, End, Highlight, Link, Part
from desktop.notes.notes_file import hold_running_lock as hold_running_lock
from desktop.notes.reanchor import reanchor_all
from desktop.notes.store import Notes

if TYPE_CHECKING:  # export and import are loaded when first used, not at every start
    from desktop.notes.export import Progress, Selection
    from desktop.notes.importer import ImportPlan, ImportReport


def open_notes(folder: Path, *, backup_now: bool = False) -> Notes:
    """Open the person's notes for this process. Raises NotesError with a sentence for
    the person."""
    return Notes(folder, backup_now=backup_now)


class Marks(QObject):
    """The person's marks on one archive: what to show, what to change, with undo."""

    changed = Signal(object)  # a Change, after every write

    def __init__(self, notes: Notes, archive: Archive) -> None:
        super().__init__()
        self.notes = notes
        self.archive = archive
        self.undo_stack = QUndoStack(self)
        self.last_colour = COLOURS[0]

    # -- about the notes ----------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self.notes.read_only

    def start_messages(self) -> list[str]:
        """What opening the notes found (damage repaired, a file set aside)."""
        return list(self.notes.report.messages)

    def ensure_writable(self) -> None:
        self.notes.ensure_writable()

    def reanchor(self) -> Counter[str]:
        """Find every mark's words in this version of the archive; count them by state."""
        return reanchor_all(self.notes, self.archive)

    def backup_in_background(self) -> str | None:
        """Start a backup on a thread of its own; say why the last one failed, if it did."""
        error = self.notes.last_backup_error
        self.notes.backup_in_background()
        return None if error is None else str(error)

    # -- reading ----------------------------------------------------------------

    def highlight(self, highlight_id: str) -> Highlight | None:
        return self.notes.highlight(highlight_id)

    def highlights(self) -> list[Highlight]:
        """Every highlight on this archive."""
        return self.notes.highlights(self.archive.archive_id)

    def highlight_list(self) -> list[tuple[str, str, str, int, str, str, str, int]]:
        """Every highlight on this archive, to order them: (id, document_id, uri, start,
        state, created, colour, several parts?), without their words."""
        return self.notes.highlight_list(self.archive.archive_id)

    def highlights_in_order(self, passage_order: dict[str, int],
                            others: Sequence[tuple[str, int, str]] = ()) -> list[str]:
        """The ids of every highlight of one part on this archive, and of ``others``
        ((id, place, created) of marks placed apart), in reading order;
        ``passage_order`` numbers the passages (by URI) in reading order."""
        return self.notes.highlights_in_order(self.archive.archive_id, passage_order, others)

    def highlight_places(self, passage_order: dict[str, int]) -> list[tuple[str, int, str]]:
        """(id, place in reading order, created) of every highlight on this archive."""
        return self.notes.highlight_places(self.archive.archive_id, passage_order)

    def highlights_across(self) -> list[Highlight]:
        """The highlights of several parts on this archive."""
        ids = self.notes.ids_across()  # few, if any: not looked for among every highlight
        return [h for h in self.notes.highlights_with_ids(ids)
                if h.archive_id == self.archive.archive_id] if ids else []

    def highlight_uris(self) -> list[str]:
        """The passages (URIs) where highlights begin."""
        return self.notes.uris_of_highlights(self.archive.archive_id)

    def highlight_documents(self) -> set[str]:
        """The documents that hold a highlight."""
        return self.notes.documents_of_highlights(self.archive.archive_id)

    def highlight_words(self) -> dict[str, str]:
        """Every highlight's words (its first part's) and note, casefolded, by id, to
        filter them."""
        return self.notes.highlight_words(self.archive.archive_id)

    def tags_as_written(self) -> set[str]:
        """Every tag in use, as written on each highlight."""
        return self.notes.tags_as_written()

    def highlights_tagged(self, tags: Collection[str]) -> dict[str, set[str]]:
        """The ids of the highlights with each of ``tags`` (as written), by tag, on this
        archive or another."""
        return self.notes.highlights_tagged(tags)

    def highlights_with_ids(self, ids: Sequence[str]) -> list[Highlight]:
        return self.notes.highlights_with_ids(ids)

    def highlights_at(self, uri: str) -> list[Highlight]:
        return self.notes.highlights_at(self.archive.archive_id, uri)

    def shown_in(self, document_id: str, uris: Collection[str] | None = None
                 ) -> list[tuple[str, int, int, str, str]]:
        """The highlights a document shows (in its passages ``uris`` only, if given):
        (uri, start, end, id, colour), without their notes."""
        return self.notes.marks_in(self.archive.archive_id, document_id, uris)

    def notes_of(self, highlight_ids: Collection[str]) -> dict[str, str]:
        """The notes of these highlights, by id."""
        return self.notes.notes_of(highlight_ids)

    def bookmarks(self) -> list[Bookmark]:
        """Every bookmark on this archive."""
        return self.notes.bookmarks(self.archive.archive_id)

    def bookmark(self, bookmark_id: str) -> Bookmark | None:
        return self.notes.bookmark(bookmark_id)

    def bookmark_at(self, uri: str) -> Bookmark | None:
        return self.notes.bookmark_at(self.archive.archive_id, uri)

    def tags(self) -> list[str]:
        return self.notes.tags()

    def links(self) -> list[Link]:
        """Every link on this archive."""
        return self.notes.links(self.archive.archive_id)

    def link(self, link_id: str) -> Link | None:
        return self.notes.link(link_id)

    def links_in(self, document_id: str) -> list[Link]:
        """The links with an end (or both) in a document: what its margin marks."""
        return self.notes.links_in(self.archive.archive_id, document_id)

    def marked_documents(self) -> set[str]:
        """The documents that hold a highlight, a bookmark or a link's end."""
        return {h.document_id for h in self.highlights()} | \
            {b.document_id for b in self.bookmarks()} | \
            {end.document_id for link in self.links() for end in link.ends}

    # -- highlights, with undo ----------------------------------------------------------

    def add_highlight(self, passage: Passage, start: int, end: int,
                      colour_name: str | None = None, *,
                      more: Sequence[tuple[Passage, int, int]] = ()) -> Highlight:
        """Highlight words of ``passage``; words selected on into the passages after it
        are ``more`` (each passage with its words' start and end, in reading order),
        and make one highlight of several parts."""
        colour_name = colour_name or self.last_colour
        self.last_colour = colour_name
        selector = select(passage.uri, passage.text, start, end)
        made = self.notes.add_highlight(self.archive.archive_id, passage.document_id,
                                        selector, colour_name,
                                        more=[select(p.uri, p.text, s, e) for p, s, e in more])
        # The write is done; the command records it for undo and redo, and announces it.
        self.undo_stack.push(PutHighlight(self, f"Highlight “{short(selector.exact)}”",
                                          None, made))
        return made

    def edit(self, highlight_id: str, *, note: str | None = None,
             colour_name: str | None = None, tags: list[str] | None = None) -> Highlight | None:
        before = self.notes.highlight(highlight_id)
        if before is None:
            return None
        after = self.notes.update_highlight(highlight_id, note=note, colour=colour_name,
                                            tags=tags)
        given = {"note": note, "colour": colour_name, "tags": tags}
        fields = tuple(name for name, value in given.items() if value is not None
                       and getattr(before, name) != getattr(after, name))
        if not fields:
            return after
        what = " and ".join(name.capitalize() for name in fields)
        if colour_name:
            self.last_colour = colour_name
        self.undo_stack.push(PutHighlight(self, f"Edit {what}", before, after, fields))
        return after

    def reattach(self, highlight_id: str, passage: Passage, start: int, end: int, *,
                 more: Sequence[tuple[Passage, int, int]] = ()) -> None:
        """Attach a highlight to the words selected: those of ``passage``, and ``more``
        of the passages after it when the selection runs on (its parts are replaced)."""
        before = self.notes.highlight(highlight_id)
        if before is None:
            return
        selector: Selector = select(passage.uri, passage.text, start, end)
        after = self.notes.update_highlight(
            highlight_id, selector=selector, state=ANCHORED, document_id=passage.document_id,
            more=[Part(select(p.uri, p.text, s, e)) for p, s, e in more])
        self.undo_stack.push(PutHighlight(self, "Re-attach Highlight", before, after,
                                          ("selector", "state", "document_id", "more",
                                           "first_state")))

    def delete(self, highlight_id: str) -> None:
        before = self.notes.delete_highlight(highlight_id)
        if before is not None:
            words = short(before.selector.exact)
            self.undo_stack.push(PutHighlight(self, f"Delete Highlight “{words}”", before, None))

    # -- links, with undo ----------------------------------------------------------------

    def add_link(self, first: tuple[Passage, int, int], second: tuple[Passage, int, int],
                 relation: str, note: str = "") -> Link:
        """Link words of one passage (``first``: the passage, the words' start and end)
        to words of another (or of the same document): ``first`` *relation* ``second``.
        Raises NotesError for a relation that is empty or too long."""
        ends = [End(p.document_id, select(p.uri, p.text, s, e)) for p, s, e in (first, second)]
        made = self.notes.add_link(self.archive.archive_id, ends[0], ends[1], relation, note)
        self.undo_stack.push(PutLink(self, f"Link “{short(made.first.selector.exact)}”",
                                     None, made))
        return made

    def edit_link(self, link_id: str, *, relation: str | None = None,
                  note: str | None = None) -> Link | None:
        """Change a link's relation or note."""
        before = self.notes.link(link_id)
        if before is None:
            return None
        after = self.notes.update_link(link_id, relation=relation, note=note)
        given = {"relation": relation, "note": note}
        fields = tuple(name for name, value in given.items() if value is not None
                       and getattr(before, name) != getattr(after, name))
        if fields:
            what = " and ".join(name.capitalize() for name in fields)
            self.undo_stack.push(PutLink(self, f"Edit Link {what}", before, after, fields))
        return after

    def reattach_link(self, link_id: str, passage: Passage, start: int, end: int
                      ) -> Link | None:
        """Attach a link's lost end (its first, if both are lost) to the words selected;
        None if neither end is lost."""
        before = self.notes.link(link_id)
        if before is None:
            return None
        lost = next((name for name in ("first", "second")
                     if getattr(before, name).state == ORPHANED), None)
        if lost is None:
            return None
        placed = End(passage.document_id, select(passage.uri, passage.text, start, end))
        after = self.notes.update_link(link_id, **{lost: placed})
        self.undo_stack.push(PutLink(self, "Re-attach Link", before, after, (lost,)))
        return after

    def delete_link(self, link_id: str) -> None:
        before = self.notes.delete_link(link_id)
        if before is not None:
            self.undo_stack.push(PutLink(self, "Delete Link", before, None))

    # -- bookmarks, with undo --------------------------------------------------------------

    def toggle_bookmark(self, passage: Passage, label: str = "") -> Bookmark | None:
        existing = self.bookmark_at(passage.uri)
        if existing is not None:
            # Every bookmark on the passage goes (an import may have put two there).
            self.undo_stack.beginMacro("Remove Bookmark")
            while existing is not None:
                self.notes.delete_bookmark(existing.id)
                self.undo_stack.push(PutBookmark(self, "Remove Bookmark", existing, None))
                existing = self.bookmark_at(passage.uri)
            self.undo_stack.endMacro()
            return None
        made = self.notes.add_bookmark(self.archive.archive_id, passage.document_id,
                                       passage.uri, passage.text[:64], label)
        self.undo_stack.push(PutBookmark(self, "Add Bookmark", None, made))
        return made

    def rename_bookmark(self, bookmark_id: str, label: str) -> None:
        before = self.notes.bookmark(bookmark_id)
        if before is None:
            return
        after = self.notes.update_bookmark(bookmark_id, label=label)
        if after.label != before.label:
            self.undo_stack.push(PutBookmark(self, "Rename Bookmark", before, after,
                                             ("label",)))

    def delete_bookmark(self, bookmark_id: str) -> None:
        before = self.notes.delete_bookmark(bookmark_id)
        if before is not None:
            self.undo_stack.push(PutBookmark(self, "Delete Bookmark", before, None))

    # -- the writes undo and redo make ----------------------------------------------------

    def put(self, mark: Highlight | Bookmark | Link) -> None:
        if isinstance(mark, Highlight):
            self.notes.put_highlight(mark)
        elif isinstance(mark, Link):
            self.notes.put_link(mark)
        else:
            self.notes.put_bookmark(mark)

    def update(self, kind: str, mark_id: str,
               changes: dict[str, Any]) -> Highlight | Bookmark | Link:
        """Write some fields of a mark; the mark as it now is."""
        if kind == HIGHLIGHTS:
            return self.notes.update_highlight(mark_id, **changes)
        if kind == LINKS:
            return self.notes.update_link(mark_id, **changes)
        return self.notes.update_bookmark(mark_id, **changes)

    def exists(self, kind: str, mark_id: str) -> bool:
        found = self.notes.highlight(mark_id) if kind == HIGHLIGHTS \
            else self.notes.link(mark_id) if kind == LINKS else self.notes.bookmark(mark_id)
        return found is not None

    def remove(self, kind: str, mark_id: str) -> None:
        if kind == HIGHLIGHTS:
            self.notes.delete_highlight(mark_id)
        elif kind == LINKS:
            self.notes.delete_link(mark_id)
        else:
            self.notes.delete_bookmark(mark_id)

    def announce(self, change: Change) -> None:
        self.changed.emit(change)

    # -- export and import ----------------------------------------------------------------

    def export(self, fmt: str, selection: Selection, path: Path,
               progress: Progress | None = None, *, style: str = "chicago",
               citations: str = "text") -> int:
        """Write the selected marks to ``path`` in ``fmt``, cited in ``style`` (or, for
        Markdown, as pandoc citations); how many were written."""
        from desktop.notes.export import collect, render_chunks, write_atomically

        marks = collect(self.notes, self.archive, selection)
        write_atomically(path, render_chunks(fmt, marks, self.archive, progress, style=style,
                                             citations=citations), overwrite=True)
        return len(marks)

    def check_import(self, path: Path, progress: Progress) -> ImportPlan:
        """Read, check and place a file's marks, writing nothing. Runs on a worker
        thread, with connections of its own (one per thread)."""
        from desktop.notes.importer import plan_import

        with closing(Archive(self.archive.path)) as archive, \
                closing(self.notes.another_connection()) as notes:
            return plan_import(notes, archive, path, progress=progress)

    def write_import(self, plan: ImportPlan) -> ImportReport:
        """Write what :meth:`check_import` worked out, in one transaction (on a worker)."""
        from desktop.notes.importer import apply_import

        with closing(self.notes.another_connection()) as notes:
            return apply_import(notes, plan)

    def imported(self) -> None:
        """Marks changed in bulk: every view reloads."""
        self.announce(everything())


__all__ = ["BOOKMARKS", "HIGHLIGHTS", "LINKS", "Marks", "hold_running_lock", "open_notes"]
