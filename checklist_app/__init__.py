"""CSE investigation and intelligence SOP checklist application."""

__version__ = "0.1.0"
