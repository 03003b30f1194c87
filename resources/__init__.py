"""What the application carries with it: the archive, the essay's text and catalogue it is
built from, the icon and the desktop files (installed as the package ``desktop.resources``)."""
