"""Health monitors (issue 15): the playbooks' maintenance-schedule red flags, evaluated from
the reports. ``registry.MONITORS`` lists them; ``registry.evaluate`` runs them all —
docs/health.md."""
