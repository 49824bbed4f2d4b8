"""Reports: typed results over the stored records. Each streaming report (``routing``,
``sla``, ``speed``, read straight from the database, for the API and the CLI) sits beside
its twin over the dashboard's DuckDB mirror (``sla_mirror``, ``speed_mirror``), tested
equal figure for figure."""
