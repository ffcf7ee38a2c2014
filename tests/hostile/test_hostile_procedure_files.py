"""Procedure files that are not files: a named pipe (`sop validate` waited forever for a writer) and devices
(`/dev/zero` never ends). Each is refused at once with the file named; `sop publish` reads a file once, so
the text it validated is the text it stores, byte-order mark or not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checklist_app import paths
from checklist_app.core.procedure.loader import (
    SopValidationError,
    load_procedure_file,
    read_procedure_file,
    validate_file,
)
from tests.cli.cli_support import cli


@pytest.fixture
def pipe(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    path = tmp_path / "procedure.yaml"
    os.mkfifo(path)
    return path


DEVICES = [p for p in ("/dev/zero", "/dev/null", "/dev/urandom") if os.path.exists(p)]


def test_a_pipe_or_device_is_refused_without_waiting(pipe: Path) -> None:
    for path in [pipe, *map(Path, DEVICES)]:
        procedure, problems = validate_file(path)
        assert procedure is None
        assert [p.message for p in problems] == ["this is a device, pipe or socket, not a procedure file"]
        with pytest.raises(SopValidationError, match="device, pipe or socket"):
            read_procedure_file(path)
        with pytest.raises(SopValidationError, match="device, pipe or socket"):
            load_procedure_file(path)


def test_sop_commands_refuse_a_pipe_or_device_in_one_line(pipe: Path, tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    for path in [pipe, *DEVICES]:
        for argv in (["sop", "validate", path], ["sop", "publish", path], ["sop", "diff", path, path]):
            run = cli("--db", db, *argv)
            assert run.code == 1, run
            assert f"{path}: (file): this is a device, pipe or socket, not a procedure file" in run.text, run.text
            assert "Traceback" not in run.text
    assert not db.exists()  # refused before any database was opened


def test_a_folder_a_missing_file_and_a_file_too_big_through_read_procedure_file(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * (6 * 1024 * 1024))
    not_utf8 = tmp_path / "latin1.yaml"
    not_utf8.write_bytes("schema: 1\ntitle: caf\xe9\n".encode("latin-1"))
    for path, expected in (
        (tmp_path, "this is a directory"),
        (tmp_path / "absent.yaml", "file not found"),
        (big, "larger than 5 MB"),
        (not_utf8, "not UTF-8 text"),
    ):
        with pytest.raises(SopValidationError, match=expected):
            read_procedure_file(path)


def test_publish_stores_the_text_it_validated_with_or_without_a_byte_order_mark(tmp_path: Path) -> None:
    shipped = next(iter(paths.shipped_sop_files()))
    text = shipped.read_text(encoding="utf-8")
    with_bom = tmp_path / "with-bom.yaml"
    with_bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert read_procedure_file(with_bom) == text
    db = tmp_path / "app.db"
    assert cli("--db", db, "init", "--no-admin").code == 0
    run = cli("--db", db, "sop", "publish", with_bom)
    assert run.code == 0, run.text
    assert "is already published with this content" in run.out  # the same content as the shipped file
