"""Supervision screens: the supervisor's desk (the team dashboard, team duties, case closure, reopening and
reassignment), the signature dialog every sign-off uses, and in each case the Supervision tab (reviews,
directed actions, signatures with their state), the supervisor's review of the case and completing a
directed action."""
