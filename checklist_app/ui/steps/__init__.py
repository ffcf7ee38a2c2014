"""The Steps tab of a case workspace, one file per part: `panel` (the widget: phases, steps, navigation),
`detail` (the selected step shown), `actions` (what the user can do to it), `models` (the phase list and
step table models and delegates), `evidence_form` (the step's evidence fields) and `common` (shared helpers).
"""
