"""Pure domain: no I/O, no clock, no database. Time comes in as ``now``."""
