"""The Reports menu: the casework audit and compliance reports generated off the GUI thread, previewed page
by page, saved, printed and (compliance) exported as CSV. The reports themselves come from
`checklist_app.reports.generate`, the same code the command line runs, so the disclosure is audited alike."""
