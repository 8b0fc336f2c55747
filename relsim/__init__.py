"""relsim: care for people with multiple, interacting needs, organised as assess-do-refer or
as the Liberated Method, simulated week by week."""

__version__ = "0.1.0"
