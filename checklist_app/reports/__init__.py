"""Printed reports: the casework audit report (one case) and the periodic compliance report.

Above the services: this package reads through `services.report_data` and never touches the store or the
screens. Wording lives in Jinja2 templates under resources/templates/reports, so a force can change it
without code.
"""
