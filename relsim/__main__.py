"""`python -m relsim` runs the command line."""

from relsim.launch import main

main()
