"""The side panels, one file each: contents, search, sources, highlights, bookmarks."""
