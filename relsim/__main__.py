"""`python -m relsim` runs the command line."""

from relsim.cli import main

main()
