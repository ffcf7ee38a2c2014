"""The auditor's desk (audit rounds, the audit form) and the remedial actions their owners complete."""
