"""Rules of engagement in use: owner changes checked against the live ``ownership:`` rules
(guard.py), blocks and exceptions kept with their trace (decisions.py), the legitimate doors
past a protection (transfer.py), and reading them (views.py) — docs/ownership.md."""
