"""The window's commands, as objects given only what they use.

Each file is one family of commands: going places (``navigation``), following
links to notes, quotations and sources (``links``), making and changing marks
(``marks``), reading comfort and citing (``reading``), and other archives, exports
and imports (``files``). The window assembles them; none imports the window.
"""
