"""The side panels, one file each: contents, search, sources, annotations, bookmarks."""
