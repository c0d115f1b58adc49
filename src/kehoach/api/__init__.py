"""The REST API: the plan, org units, registers, unit reports, indicators and reporting status
as JSON, under /api/ (docs/api.md). Every answer goes through the one access rule
(``kehoach.accounts.access``)."""
