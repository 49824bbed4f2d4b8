"""Routing: flows of nodes that decide who owns a record, each decision with its trace."""
