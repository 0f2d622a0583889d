"""``python -m ticketing.cli``: the ``ticketing`` command without the installed script."""

from ticketing.cli import main

main()
