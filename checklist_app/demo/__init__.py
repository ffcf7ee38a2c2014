"""Synthetic demo data: a force, its people and cases at every stage.

Sits above the services: it calls them (accounts, procedures) and writes through the store's bulk writer,
and nothing below imports it. `generator.generate` is the entry point; `simulation` plays cases forward,
`rows` turns them into audited rows (in worker processes for large runs), `people` builds the staff.
"""
