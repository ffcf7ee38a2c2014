"""Audit items are shown by their phase and the steps they look at, never by the template's ids (the audit
form, the moderation form and the casework report all use these labels)."""

from __future__ import annotations

import re

import pytest

from checklist_app import paths
from checklist_app.core.procedure.loader import load_procedure_file
from checklist_app.services.audit_view import item_labels


@pytest.mark.parametrize("name", ["cse-sop-v1.yaml", "cse-sop-v1.1.yaml", "cse-sop-v1.2.yaml"])
def test_every_shipped_audit_item_has_a_readable_label(name: str) -> None:
    path = paths.default_sop().parent / name
    procedure = load_procedure_file(path)
    labels = item_labels(procedure)
    assert set(labels) == {i.id for i in procedure.audit_template.items}
    assert len(set(labels.values())) == len(labels)  # no two items read the same
    for item in procedure.audit_template.items:
        label = labels[item.id]
        assert re.match(r"Phase \d+, \S", label), label
        assert item.id not in label and not re.search(r"\b[a-z]+\.[a-z-]+\b", label), label
