"""``python -m cookie_catalog.cli``: the installed command."""

from cookie_catalog.cli import run

run()
