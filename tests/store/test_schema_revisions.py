"""The revision list the program opens databases with matches the Alembic migration scripts."""

from __future__ import annotations

from checklist_app.store import migrate


def test_revision_list_matches_the_migration_scripts():
    _, script = migrate._config()
    chain = [rev.revision for rev in script.walk_revisions(base="base", head="heads")]
    assert tuple(reversed(chain)) == migrate.REVISIONS
    assert script.get_current_head() == migrate.head_revision()
