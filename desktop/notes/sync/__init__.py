"""Sync a person's marks between devices through a folder that another program keeps the
same on each of them (Syncthing, Nextcloud, Dropbox, iCloud Drive, a git repository).

Those programs copy files, never transactions: they deliver files late, out of order,
in part, twice, or as "conflicted copies". So the notes file itself never goes into the
folder (SQLite's own documentation warns that copying a live database corrupts it);
each device writes a log of its changes there, and merges the others' logs into its
notes. The design, in full:

**Layout** (:mod:`.folder`). ``FOLDER/archive-browser-sync/v1/DEVICE/``, one folder a
device, written by that device alone (``DEVICE`` is its id, 16 hex digits, made once per
installation and kept in the notes and the data folder's ``sync.json``, with the folder
and the device's name, the host name by default). ``home`` is a digest of where the notes
are (:func:`.round.installation`): a round that finds its ``device.json`` written from
elsewhere is running on a copy of the data folder, and goes on as a new device::

    device.json          {"device": …, "name": "laptop", "home": DIGEST, …}
    seen.json            {"seen": {OTHER_DEVICE: N, …}}: all its files up to N are read
    000001.jsonl         changes, one record a line, the last line an end line
    000002.jsonl
    snapshot-000040.jsonl  all this device's changes up to file 40 (after compaction)

Every file is written under a hidden temporary name and renamed into place; a change
file is never written again. A round with changes writes one new file (or several, of
at most 20,000 records). The folder can hold the marks of several archives: a record
names its archive, and a device merges only the archive it has open. A format that
this version cannot read goes in ``v2`` and is reported, not read.

**Records** (:mod:`.records`). One JSON object a line: the mark as its W3C Web
Annotation (as ``archive-browser export --format json`` writes it, and as import reads
it), or a deletion (a tombstone), with the archive's and the mark's ids, the stamp of
each field's last change, and what the annotation cannot say (each part's document and
state). A record is the mark's whole state as its device knew it, so records merge in
any order.

**Clock** (:mod:`.clock`). A stamp is a hybrid logical clock reading: wall time in
milliseconds, a counter, the device's id. A change's stamp is later than the stamp of
what it replaces, whatever the wall clock says; a device's wall time counts for at most
a day beyond the latest stamp it has seen from another device, so a clock a year ahead
does not win every conflict.

**Merge** (:mod:`.state`). Per field, last writer wins by stamp: a note changed on one
device and a colour on another both survive. A deletion is a field too (``alive``): it
wins over every older change, and an old record met later (an old file, a late copy)
never brings the mark back; only a later restore (an undo) does. Two devices changing
the same note at once keep both texts: the note shows both, joined by a visible line
(:data:`.state.CONFLICT_MARKER`), the round counts it as a conflict to tell the person,
and editing the note settles it everywhere. (A character-level text merge, such as
pycrdt's, would have to keep every note's editing history in the notes and the folder,
and would merge two rewrites of one sentence into a third that nobody wrote; keeping
both texts is exact, small, and easy to check by eye.) The merge is a join: any order,
duplication or delay of delivery ends in the same marks on every device.

**Capture** (:mod:`desktop.notes.store`, :mod:`.merge`). Once an installation syncs,
every write of a mark records which mark and which fields changed in the notes'
``sync_outbox``, in the write's own transaction: a crash between the write and the
folder loses nothing. A round stamps those changes and merges the folder's in one
transaction, so the merge never writes over an edit it has not stamped.

**Reading** (:mod:`.folder`, :mod:`.reading`). Each file is read from where it was left
(remembered per archive and file); a last line without its end is read again when the
file grows, and a file is whole once its end line is read. What is read is merged as
it comes, in transactions of 5,000 marks, so that a window's own writes never wait
long. Conflicted copies are read as files of the same device. Junk, lines that cannot
be read, and a newer format are skipped and reported once.

**Compaction** (:mod:`.compaction`). A device folds its own files that every other
device has acknowledged (in its ``seen.json``) into a snapshot, writes it whole, and
only then deletes the files it replaces; it never deletes another device's files.

**Privacy**. The folder holds, for every mark synced: the words highlighted and the
words around them (prefix and suffix), the passage's address and the document's id,
the note, tags, colour, bookmark label, link relation, dates; the device's id and the
name given to it (the host name unless changed). Nothing else: no path, no user name,
no archive text beyond the quoted words. It is not encrypted: a folder on someone
else's servers is readable by them, as the notes would be in an export.

The round itself is :func:`desktop.notes.sync.round.sync_round`; this package imports
nothing, so that its modules import each other without a cycle through it.
"""
