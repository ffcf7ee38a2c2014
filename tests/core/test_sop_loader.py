"""The SOP loader and validator: the valid fixture, every malformed fixture, file handling, the content
hash, the `sop validate` command and fuzzing that no exception ever escapes."""

from __future__ import annotations

import io
import os
import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist_app import paths
from checklist_app.cli.sop_validate import run_validate
from checklist_app.core.procedure.loader import (
    SopProblem,
    SopValidationError,
    canonical_content,
    content_hash,
    load_procedure_bytes,
    load_procedure_file,
    load_procedure_text,
    validate_bytes,
    validate_file,
    validate_text,
)
from checklist_app.core.procedure.model import AnchorKind, Duration, FieldType, Procedure, Requirement, StepRole
from checklist_app.core.procedure.risk_model import ScoringMethod

SOP_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sop"
MINIMAL = SOP_FIXTURES / "minimal.yaml"
BAD = SOP_FIXTURES / "bad"
MINIMAL_TEXT = MINIMAL.read_text(encoding="utf-8")


def edited(*replacements: tuple[str, str]) -> str:
    """minimal.yaml with each `old` replaced by `new`; each `old` must occur exactly once."""
    text = MINIMAL_TEXT
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in minimal.yaml"
        text = text.replace(old, new)
    return text


def problems_of(text: str) -> list[SopProblem]:
    procedure, problems = validate_text(text, "test.yaml")
    assert procedure is None
    assert problems
    return problems


def messages(text: str) -> list[str]:
    return [p.message for p in problems_of(text)]


# --- the valid fixture ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def minimal() -> Procedure:
    return load_procedure_file(MINIMAL)


def test_minimal_loads(minimal: Procedure) -> None:
    assert minimal.label == "test-cse-sop v0.1"
    assert minimal.effective_date == date(2026, 1, 1)
    assert [p.id for p in minimal.phases] == ["referral", "risk", "investigation"]
    assert [p.number for p in minimal.phases] == [1, 2, 3]
    assert len(minimal.steps) == 10
    assert all(s.phase_id == "risk" for s in minimal.phase("risk").steps)


def test_minimal_steps_in_detail(minimal: Procedure) -> None:
    record = minimal.step("referral.record-details")
    assert record.role is StepRole.EITHER
    assert record.provenance.is_national
    assert record.deadline is not None and record.deadline.offset == Duration.parse("0h")
    assert record.deadline.description == "On receipt of the referral"
    choice = record.field("referral_source")
    assert choice is not None and choice.type is FieldType.CHOICE and choice.required
    assert choice.choices == ("school", "social_care", "health", "family", "other")

    strategy = minimal.step("referral.strategy-discussion")
    assert strategy.depends_on == ("referral.confirm-safety",)
    assert strategy.deadline is not None and strategy.deadline.anchor.kind is AnchorKind.STEP
    assert str(strategy.deadline.offset) == "3wd"
    assert strategy.sign_off and strategy.emits == ("strategy_discussion_held",)

    placement = minimal.step("risk.placement-review")
    assert placement.requirement is Requirement.CONDITIONAL
    assert placement.condition == "risk_category >= 3 or placement_type in ['residential', 'foster']"

    review = minimal.step("risk.supervisory-review")
    assert review.deadline is not None and review.deadline.recurs_every == Duration.parse("28d")
    assert minimal.step("risk.seraf-assessment").deadline.basis.source == "Force CSE policy (default)"  # type: ignore[union-attr]


def test_minimal_override_applies_to_local_deadline(minimal: Procedure) -> None:
    assert minimal.settings.deadline_overrides == {"referral.confirm-safety": Duration.parse("12h")}
    assert minimal.effective_deadline(minimal.step("referral.confirm-safety")) == Duration.parse("12h")
    assert minimal.effective_deadline(minimal.step("referral.record-details")) == Duration.parse("0h")


def test_minimal_settings_risk_tool_and_audit(minimal: Procedure) -> None:
    settings_ = minimal.settings
    assert settings_.intelligence_targets["medium"].assess == Duration.parse("1wd")
    assert settings_.workload_weights == {1: 1.0, 2: 2.0, 3: 3.0, 4: 5.0}
    assert settings_.audit_block_team is True
    assert settings_.remedial_due["low"] == Duration.parse("28wd")
    tool = minimal.risk_tool
    assert [s.scoring for s in tool.sections] == [ScoringMethod.COUNT, ScoringMethod.RECENCY]
    assert tool.sections[1].recency_points == {"current": 5, "past": 1, "both": 6}
    assert tool.sections[0].indicators[1].points == 2
    assert [b.max_score for b in tool.bands] == [2, 5, 9, None]
    assert tool.provenance.source == "Barnardo's SERAF (2013 form), adapted"
    audit = minimal.audit_template
    assert [g.min_score for g in audit.overall_grades] == [0.95, 0.80, 0.60, 0.0]
    assert {i.phase_id for i in audit.items} == {p.id for p in minimal.phases}


def test_load_from_text_bytes_and_path_agree(minimal: Procedure) -> None:
    assert load_procedure_text(MINIMAL_TEXT) == minimal
    assert load_procedure_bytes(MINIMAL.read_bytes()) == minimal
    assert load_procedure_bytes(b"\xef\xbb\xbf" + MINIMAL.read_bytes()) == minimal  # UTF-8 BOM
    assert load_procedure_file(str(MINIMAL)) == minimal


def test_load_from_traversable() -> None:
    node = resources.files("checklist_app.sop") / "no-such-file.yaml"
    procedure, problems = validate_file(node)
    assert procedure is None
    assert [p.message for p in problems] == ["file not found"]


# --- malformed fixtures ---------------------------------------------------------------------------

_EXPECT = re.compile(rb"^# expect: (.+)$", re.MULTILINE)
_LINE = re.compile(rb"^# line: (\d+)$", re.MULTILINE)


def _bad_cases() -> list[object]:
    cases: list[object] = []
    for path in sorted(BAD.iterdir()):
        data = path.read_bytes()
        expect = _EXPECT.search(data)
        assert expect is not None, f"{path.name} has no '# expect:' line"
        line = _LINE.search(data)
        cases.append(pytest.param(data, expect.group(1).decode(), int(line.group(1)) if line else None, id=path.name))
    # Files that cannot carry a header comment.
    cases += [
        pytest.param(b"", "file is empty", None, id="empty"),
        pytest.param(b"  \n\t\n   \n", "file is empty", None, id="whitespace-only"),
        pytest.param(bytes(range(256)) * 4, "not UTF-8", 2, id="binary-garbage"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8", 1, id="png-header"),
        pytest.param(b"schema: 1\n\x00\x01\x02", "character YAML does not allow", 2, id="nul-bytes"),
        pytest.param(b"[" * 1200, "nested too deeply", None, id="deep-nesting"),
    ]
    return cases


def test_there_are_enough_bad_fixtures() -> None:
    assert len(list(BAD.iterdir())) >= 30


@pytest.mark.parametrize(("data", "expect", "line"), _bad_cases())
def test_bad_fixture_reports_problem(data: bytes, expect: str, line: int | None) -> None:
    procedure, problems = validate_bytes(data, "bad.yaml")
    assert procedure is None
    shown = "\n".join(str(p) for p in problems)
    matching = [p for p in problems if expect in p.message]
    assert matching, f"no problem mentions {expect!r}; got:\n{shown}"
    if line is not None:
        assert any(p.line == line for p in matching), f"{expect!r} not reported on line {line}; got:\n{shown}"
    with pytest.raises(SopValidationError) as raised:
        load_procedure_bytes(data, "bad.yaml")
    assert raised.value.problems == problems


# --- problems and errors --------------------------------------------------------------------------


def test_problem_formats() -> None:
    with_line = SopProblem("sop.yaml", 12, "phases[2].steps[4].deadline.within", "bad duration")
    assert str(with_line) == "sop.yaml:12: phases[2].steps[4].deadline.within: bad duration"
    assert str(SopProblem("sop.yaml", None, "(file)", "file not found")) == "sop.yaml: (file): file not found"


def test_all_problems_are_reported_in_line_order() -> None:
    text = edited(
        (
            "        role: investigator\n        requirement: optional\n",
            "        role: detective\n        requirement: optional\n",
        ),
        ("  due_soon: 2wd\n", "  due_soon: 2 weeks\n"),
        ("      phase: investigation\n", "      phase: closure\n"),
    )
    with pytest.raises(SopValidationError) as raised:
        load_procedure_text(text, "three.yaml")
    problems = raised.value.problems
    assert [p.line for p in problems] == sorted(p.line or 0 for p in problems)
    assert [p.path for p in problems] == [
        "settings.due_soon",
        "phases[2]",  # the renamed audit item left the phase without one
        "phases[2].steps[0].role",
        "audit_template.items[2].phase",
    ]
    assert "detective" in problems[2].message and "no audit item" in problems[1].message
    assert all(p.file == "three.yaml" for p in problems)
    assert str(raised.value).startswith("4 problems in the procedure file\nthree.yaml:")


def test_path_uses_document_structure() -> None:
    problems = problems_of(edited(("          within: 72h\n", "          within: 72 hours\n")))
    assert [p.path for p in problems] == ["phases[1].steps[1].deadline.within"]


def test_problem_at_aliased_node_is_reported_once() -> None:
    problems = problems_of(edited(("            kind: local\n", "            kind: regional\n")))
    assert len(problems) == 1
    assert problems[0].message.startswith("'regional' is not a valid kind")


def test_broken_list_does_not_cascade_into_unknown_references() -> None:
    start = MINIMAL_TEXT.index("\nphases:\n")
    end = MINIMAL_TEXT.index("\nrisk_tool:")
    problems = problems_of(MINIMAL_TEXT[:start] + "\nphases: to be written\n" + MINIMAL_TEXT[end:])
    assert [p.message for p in problems] == [
        "expected a list (one '- ' line per entry) but found text ('to be written')"
    ]


# --- lenient and strict value handling ------------------------------------------------------------


def test_version_may_be_a_number_and_keeps_its_spelling() -> None:
    procedure = load_procedure_text(edited(('  version: "0.1"\n', "  version: 1.10\n")))
    assert procedure.version == "1.10"


def test_date_may_be_a_quoted_string() -> None:
    procedure = load_procedure_text(edited(("  effective_date: 2026-01-01\n", '  effective_date: "2026-04-06"\n')))
    assert procedure.effective_date == date(2026, 4, 6)


def test_date_with_time_is_rejected() -> None:
    found = messages(edited(("  effective_date: 2026-01-01\n", "  effective_date: 2026-01-01 09:00:00\n")))
    assert any("write the date only, as YYYY-MM-DD" in m for m in found)


def test_unquoted_yes_in_a_text_field_is_explained() -> None:
    found = messages(edited(("    title: Devices seized\n", "    title: on\n")))
    assert found == [
        "expected text but found a yes/no value ('on'); YAML reads unquoted yes, no, on, off, true and false "
        "as yes/no values, so put the text in quotes"
    ]


def test_merge_keys_are_supported_and_explicit_keys_win() -> None:
    text = edited(
        (
            "        provenance: *local\n        evidence:\n          - id: assessment_date\n",
            "        provenance: {<<: *local, note: Reviewed 2025}\n"
            "        evidence:\n          - id: assessment_date\n",
        )
    )
    step = load_procedure_text(text).step("risk.seraf-assessment")
    assert step.provenance.source == "Force CSE policy (default)" and step.provenance.note == "Reviewed 2025"


def test_recurring_step_may_anchor_on_itself() -> None:
    text = edited(
        (
            "          from: event:case_opened\n          within: 28d\n",
            "          from: step:risk.supervisory-review\n          within: 28d\n",
        )
    )
    step = load_procedure_text(text).step("risk.supervisory-review")
    assert step.deadline is not None and step.deadline.anchor.ref == "risk.supervisory-review"


def test_optional_key_with_no_value_counts_as_absent() -> None:
    text = edited(("            help: One exhibit reference per line.\n", "            help:\n"))
    assert load_procedure_text(text).step("investigation.seize-devices").evidence[0].help == ""


def test_required_key_with_no_value_is_reported() -> None:
    assert messages(edited(("    title: Trial date fixed\n", "    title:\n"))) == ["no value given; expected text"]


def test_unsupported_tag_is_reported() -> None:
    found = messages(edited(("    title: Trial date fixed\n", "    title: !!python/name:os.system\n")))
    assert found == ["expected text but found a value with an unsupported YAML tag ('')"]


def test_huge_number_is_reported_not_raised() -> None:
    found = messages(edited(("    sample_size: 10\n", f"    sample_size: {'9' * 5000}\n")))
    assert len(found) == 1 and found[0].startswith("the number is too large")


def test_condition_type_errors_are_reported_with_column() -> None:
    found = messages(edited(("        condition: missing_episodes_recorded\n", "        condition: risk_category\n")))
    assert found == [
        "condition 'risk_category': fact 'risk_category' is a number; compare it with a value "
        "(e.g. risk_category == ...) (at column 1)"
    ]


def test_cycle_of_three_steps() -> None:
    text = edited(
        (
            "          from: event:strategy_discussion_held\n",
            "          from: step:investigation.forensic-submission\n",
        ),
        (
            "        depends_on: [investigation.seize-devices]\n",
            "        depends_on: [investigation.seize-devices, investigation.intelligence-submission]\n",
        ),
    )
    cycles = [m for m in messages(text) if "cycle" in m]
    assert len(cycles) == 1
    assert (
        "risk.seraf-assessment -> investigation.forensic-submission -> investigation.intelligence-submission "
        "-> risk.seraf-assessment" in cycles[0]
    )


def test_file_too_large() -> None:
    procedure, problems = validate_bytes(b"#" * (6 * 1024 * 1024))
    assert procedure is None and "larger than 5 MB" in problems[0].message


# --- files ----------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    procedure, problems = validate_file(tmp_path / "nope.yaml")
    assert procedure is None
    assert [str(p) for p in problems] == [f"{tmp_path / 'nope.yaml'}: (file): file not found"]


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(SopValidationError) as raised:
        load_procedure_file(tmp_path)
    assert raised.value.problems[0].message == "this is a directory, not a procedure file"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "locked.yaml"
    target.write_text("schema: 1\n")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    # Tests may run as root, where chmod 000 does not stop reading. Files are opened with os.open (without
    # blocking, so a named pipe cannot hang the reader).
    monkeypatch.setattr(os, "open", refuse)
    procedure, problems = validate_file(target)
    assert procedure is None
    assert problems[0].message == "permission denied: the file cannot be read"


def test_other_os_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "open", fail)
    _, problems = validate_file(tmp_path / "x.yaml")
    assert problems[0].message == "the file cannot be read: Input/output error"


def test_path_with_nul_byte() -> None:
    procedure, problems = validate_file("bad\x00name.yaml")
    assert procedure is None and problems[0].message.startswith("the file cannot be read")


# --- canonical content ----------------------------------------------------------------------------


def test_hash_ignores_layout_comments_and_quoting() -> None:
    reformatted = "# a new comment\n" + MINIMAL_TEXT.replace(
        'version: "0.1"', "version: '0.1'  # quoted differently"
    ).replace("sample_size: 10", "sample_size:    10").replace("\n\nevents:", "\n\n\n\nevents:")
    assert reformatted != MINIMAL_TEXT
    assert content_hash(reformatted) == content_hash(MINIMAL_TEXT)
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash(MINIMAL_TEXT))


def test_hash_changes_with_content() -> None:
    assert content_hash(edited(("sample_size: 10", "sample_size: 11"))) != content_hash(MINIMAL_TEXT)


def test_canonical_content_is_sorted_compact_json_with_iso_dates() -> None:
    text = "b: 2026-01-01\na: [1, {z: é, y: null}]\n"
    assert canonical_content(text) == '{"a":[1,{"y":null,"z":"é"}],"b":"2026-01-01"}'
    assert canonical_content("weights: {1: 1, 2: 2.5}\n") == '{"weights":{"1":1,"2":2.5}}'


@pytest.mark.parametrize("text", ["a: [1, 2", "--- 1\n--- 2\n", "&a [*a]", "[" * 1200])
def test_canonical_content_of_unreadable_text_raises_validation_error(text: str) -> None:
    with pytest.raises(SopValidationError):
        canonical_content(text)


# --- sop validate ---------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_validate(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def test_validate_valid_file() -> None:
    code, out, err = run(str(MINIMAL))
    assert code == 0 and err == ""
    assert out == f"{MINIMAL}: OK test-cse-sop v0.1, 3 phases, 10 steps\n"


def test_validate_invalid_file_lists_every_problem() -> None:
    bad = BAD / "cycle-depends-on.yaml"
    code, out, _ = run(str(MINIMAL), str(bad))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith("OK test-cse-sop v0.1, 3 phases, 10 steps")
    assert lines[1:] == [str(p) for p in validate_file(str(bad))[1]]
    assert all(line.startswith(f"{bad}:") for line in lines[1:])


def test_validate_missing_path_and_directory(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    code, out, err = run(str(missing), str(tmp_path))
    assert code == 1 and err == ""
    assert out.splitlines() == [
        f"{missing}: (file): file not found",
        f"{tmp_path}: (file): this is a directory, not a procedure file",
    ]


def test_validate_binary_file(tmp_path: Path) -> None:
    target = tmp_path / "photo.yaml"
    target.write_bytes(os.urandom(512) + b"\xff")
    code, out, _ = run(str(target))
    assert code == 1 and "Traceback" not in out and out.startswith(f"{target}")


def test_validate_without_files() -> None:
    code, out, err = run()
    assert code == 2 and out == "" and err.startswith("usage:")


# --- the shipped procedure ------------------------------------------------------------------------


def test_shipped_sop_validates() -> None:
    procedure, problems = validate_file(paths.default_sop())
    assert problems == [], "\n".join(str(p) for p in problems)
    assert procedure is not None
    assert len(procedure.phases) >= 9
    assert len(procedure.steps) >= 80


def test_every_shipped_sop_file_validates() -> None:
    for node in paths.shipped_sop_files():
        _, problems = validate_file(node)
        assert problems == [], "\n".join(str(p) for p in problems)


# --- no exception ever escapes ---------------------------------------------------------------------

_FUZZ = settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
_LINES = MINIMAL_TEXT.splitlines(keepends=True)


def assert_problems_only(procedure: Procedure | None, problems: list[SopProblem]) -> None:
    if procedure is None:
        assert problems
        assert all(isinstance(p, SopProblem) and p.message for p in problems)
        assert not any("internal error" in p.message for p in problems), [str(p) for p in problems]
    else:
        assert problems == []


@_FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_problems_only(*validate_text(text))


@_FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\n ,?%@`")), max_size=200))
def test_yaml_punctuation_never_raises(text: str) -> None:
    assert_problems_only(*validate_text(text))


@_FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    assert_problems_only(*validate_bytes(data))


@st.composite
def mutated_minimal(draw: st.DrawFn) -> str:
    lines = list(_LINES)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "truncate", "swap"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "truncate":
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
        elif index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
    return "".join(lines)


@settings(max_examples=60, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_minimal())
def test_mutated_minimal_never_raises(text: str) -> None:
    assert_problems_only(*validate_text(text))
