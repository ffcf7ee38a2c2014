"""The GUI's toolbox, shared by the case workspace's tabs and the supervision screens: looks (tones, chips,
bold buttons), inline messages with highlighted fields, date-time input in UK local time, read-only record
tables, and dialogs that save through a service."""
