"""The shipped procedure versions: all validate, `init` publishes them oldest first, so new cases open on
the newest (1.2) while 1.0 and 1.1 stay published for the cases pinned to them."""

from __future__ import annotations

from checklist_app import paths
from checklist_app.core.procedure.loader import validate_file
from checklist_app.services import procedures
from checklist_app.services.context import ServiceContext


def test_shipped_files_are_ordered_by_version_not_by_name() -> None:
    names = [node.name for node in paths.shipped_sop_files()]
    assert names.index("cse-sop-v1.yaml") < names.index("cse-sop-v1.1.yaml") < names.index("cse-sop-v1.2.yaml")
    order = sorted(
        ["cse-sop-v2.yaml", "cse-sop-v1.10.yaml", "cse-sop-v1.2.yaml", "cse-sop-v1.yaml"], key=paths._version_order
    )
    assert order == ["cse-sop-v1.yaml", "cse-sop-v1.2.yaml", "cse-sop-v1.10.yaml", "cse-sop-v2.yaml"]


def test_every_version_validates() -> None:
    labels = []
    for node in paths.shipped_sop_files():
        procedure, problems = validate_file(node)
        assert problems == [], "\n".join(str(p) for p in problems)
        assert procedure is not None
        labels.append(procedure.label)
    assert labels == ["cse-sop v1.0", "cse-sop v1.1", "cse-sop v1.2"]


def test_init_publishes_all_and_new_cases_open_on_the_newest(initialised: ServiceContext) -> None:
    published = [v.version for v in procedures.list_versions(initialised) if v.procedure_id == "cse-sop"]
    assert sorted(published) == ["1.0", "1.1", "1.2"]
    assert procedures.latest_version(initialised, "cse-sop").version == "1.2"
    assert procedures.current_procedure(initialised).version == "1.2"
    assert procedures.load_published(initialised, "cse-sop", "1.0").version == "1.0"
    assert procedures.load_published(initialised, "cse-sop", "1.1").version == "1.1"
