"""The revision list the program opens databases with matches the Alembic migration scripts."""

from __future__ import annotations

from checklist_app.store import migrate


def test_revision_list_matches_the_migration_scripts():
    _, script = migrate._config()
    chain = [rev.revision for rev in script.walk_revisions(base="base", head="heads")]
    assert tuple(reversed(chain)) == migrate.REVISIONS
    assert script.get_current_head() == migrate.head_revision()


def test_upgrade_from_the_first_schema_keeps_data_and_the_chain(tmp_path, monkeypatch):
    """A database made by the first release, with data, upgrades with a backup and still verifies."""
    from datetime import timedelta

    from alembic import command
    from support import open_case
    from world_support import FakeClock, build_world

    from checklist_app.services import intelligence
    from checklist_app.services.context import ServiceContext
    from checklist_app.store.db import Database, make_engine
    from checklist_app.store.verify import verify_database

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url, foreign_keys=False)
    config, _ = migrate._config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    engine.dispose()

    clock = FakeClock()
    ctx = ServiceContext(Database(url), clock=clock)
    from world_support import MINIMAL_SOP

    # Today's services write the first schema's data; that schema has no directed actions to count yet.
    from checklist_app.services import case_summary

    monkeypatch.setattr(case_summary, "open_actions", lambda *_args: {})
    world = build_world(ctx, clock, MINIMAL_SOP.read_text(encoding="utf-8"))
    case = open_case(world)
    intelligence.submit(
        ctx,
        world.investigator,
        case.id,
        intelligence.NewIntelligence(
            received_at=clock.now - timedelta(hours=1),
            summary="Vehicle seen",
            source_evaluation="1",
            intelligence_assessment="A",
            handling_code="P",
            priority="low",
            protective_marking="OFFICIAL",
        ),
    )
    ctx.close()

    result = migrate.upgrade(url)
    assert (result.before, result.after) == ("0001", migrate.head_revision())
    assert result.backup is not None and result.backup.exists()
    upgraded = Database(url)
    try:
        assert verify_database(upgraded).ok
    finally:
        upgraded.dispose()
