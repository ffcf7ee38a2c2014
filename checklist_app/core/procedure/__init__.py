"""The procedure: its frozen model, the loader that reads and validates SOP files, and the diff between versions.

- `model`: the frozen dataclasses a procedure is made of (steps, deadline rules, risk tool, audit template,
  settings). A new SOP field starts here.
- `loader`: the public entry points (`load_procedure_*`, `validate_*`, `content_hash`) and the walk over the
  document's top level. Each section of the file is read by its own module:
  - `nodes`: YAML nodes with their locations, the problem list and checked mappings (value bounds live here);
  - `declarations`: the procedure's head, events and facts, and the shared provenance and choices shapes;
  - `steps`: phases and steps (conditions, evidence fields, deadline rules);
  - `settings`: local policy values;
  - `risk_tool` and `audit_template`: the tools the SOP carries as data;
  - `checks`: cross-references between sections, run once everything is read.
- `diff`: what changed between two versions, for moving a case to a newer one.
"""
