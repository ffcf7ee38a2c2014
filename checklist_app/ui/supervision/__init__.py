"""The supervisor's desk: the team dashboard, team duties, case closure, reopening and reassignment, and the
signature dialog every sign-off uses."""
