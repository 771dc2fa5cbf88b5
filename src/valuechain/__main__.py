"""``python -m valuechain`` runs the command line."""

from valuechain.cli import main

main()
