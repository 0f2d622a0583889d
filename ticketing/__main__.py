"""``python -m ticketing``: the ``ticketing`` command without the installed script."""

from ticketing.cli import main

main()
