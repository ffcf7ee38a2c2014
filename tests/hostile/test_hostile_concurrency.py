"""Several programs on one database at once (SQLite file, or CHECKLIST_APP_TEST_DB's PostgreSQL).

The threads of tests/store/test_pg_concurrency.py share one process; here whole `checklist-app` processes
start together at a barrier (user add, verify and backup at once), and the checks that read many
statements (verify) and the writer that reads before it writes (the demo's bulk writer) are given a write
landing in between, deterministically, by running it from inside them. Afterwards every command either
succeeded or said the database was busy, and the chain verifies with exactly the entries that succeeded.
"""

from __future__ import annotations

import io
import multiprocessing
import sys
import threading
from pathlib import Path

import pytest
from db_support import server_url
from support import open_case

from checklist_app.cli.main import main
from checklist_app.demo import generator
from checklist_app.services import accounts, admin, records
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.services.errors import Conflict
from checklist_app.store import bulk
from checklist_app.store import verify as verify_module
from checklist_app.store.audit import head

WRITERS = 4
PASSWORD = "Correct-Horse-9-battery"


def _command(location: str, argv: list[str], start, results, index: int) -> None:  # type: ignore[no-untyped-def]
    """One `checklist-app` run in a process of its own, started with the others at the barrier."""
    from argon2 import PasswordHasher

    accounts.HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)  # several at once: keep it light
    out, err = io.StringIO(), io.StringIO()
    start.wait(timeout=60)
    code = main(["--db", location, *argv], out=out, err=err)
    results.put((index, code, out.getvalue(), err.getvalue()))


def _location(db_url: str) -> str:
    return db_url if "://" in db_url else str(Path(db_url))


@pytest.mark.skipif(sys.platform == "win32", reason="spawned test processes")
def test_processes_writing_verifying_and_backing_up_at_once_leave_one_chain(initialised, db_url, tmp_path) -> None:
    location = _location(db_url)
    with initialised.db.read() as session:
        start_seq, _ = head(session)
    runs = [
        ["user", "add", f"auditor{i}", "--name", f"Auditor {i}", "--role", "auditor", "--password", PASSWORD]
        for i in range(WRITERS)
    ]
    runs.append(["verify"])
    if server_url() is None:
        runs.append(["backup", str(tmp_path / "during.db")])
    spawn = multiprocessing.get_context("spawn")
    start, queue = spawn.Barrier(len(runs)), spawn.Queue()
    processes = [spawn.Process(target=_command, args=(location, argv, start, queue, i)) for i, argv in enumerate(runs)]
    for process in processes:
        process.start()
    got = [queue.get(timeout=120) for _ in runs]
    for process in processes:
        process.join(timeout=60)
    results = [(code, out, err) for _i, code, out, err in sorted(got)]

    added = 0
    for argv, (code, out, err) in zip(runs, results, strict=True):
        assert "Traceback" not in out + err and "unexpected" not in err, (argv, out, err)
        if argv[0] == "user":
            assert code == 0 or "database is busy" in err, (argv, code, err)
            added += code == 0
        else:  # a check made while others write sees one consistent state: no false alarm
            assert code == 0, (argv, out, err)
    assert added >= 1
    final = io.StringIO()
    assert main(["--db", location, "verify"], out=final, err=io.StringIO()) == 0, final.getvalue()
    assert final.getvalue().startswith(f"OK {start_seq + added} entries"), final.getvalue()
    if server_url() is None:
        copy = io.StringIO()
        assert main(["--db", str(tmp_path / "during.db"), "verify"], out=copy, err=io.StringIO()) == 0, copy.getvalue()


def test_verify_while_another_user_writes_sees_one_state_of_the_database(world, db_url, monkeypatch) -> None:
    """On PostgreSQL each statement used to see the latest commits: a decision saved between verify's chain
    walk and its look at the chain head was reported as 'records head entry N+1 but the log ends at entry N'
    (and a record saved between two reads of a table as changed outside the app)."""
    case_id = open_case(world).id
    other = ServiceContext.open(db_url)
    real_head, real_table = verify_module._check_head, verify_module.__dict__.get("_check_records")
    saved: list[int] = []

    def write_meanwhile() -> None:
        records.add_decision(other, world.investigator, case_id, decision=f"Meanwhile {len(saved)}", rationale="Busy")
        saved.append(1)

    def head_after_a_write(conn, report):  # type: ignore[no-untyped-def]
        write_meanwhile()
        return real_head(conn, report)

    def records_after_a_write(*args):  # type: ignore[no-untyped-def]
        write_meanwhile()
        return real_table(*args)

    monkeypatch.setattr(verify_module, "_check_head", head_after_a_write)
    monkeypatch.setattr(verify_module, "_check_records", records_after_a_write)
    try:
        with ServiceContext.open(db_url, read_only=True) as reader:
            report = admin.verify(reader, system_actor())
        assert saved == [1, 1]
        assert report.ok, [str(p) for p in report.problems]
        with ServiceContext.open(db_url) as writer:
            report = admin.verify(writer, system_actor())  # the desktop app's verify, on its ordinary context
        assert report.ok, [str(p) for p in report.problems]
    finally:
        other.close()


def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator, "BATCH", 2)


def _open_a_case_as_a_demo_investigator(ctx: ServiceContext) -> None:
    from sqlalchemy import select

    from checklist_app.demo.people import DEMO_PASSWORD
    from checklist_app.services import case_opening
    from checklist_app.store.models import User

    with ctx.db.read() as session:
        username = session.scalar(select(User.username).where(User.username.like("dc.she%")).order_by(User.id))
    assert username is not None
    officer = accounts.log_on(ctx, username, DEMO_PASSWORD)
    form = case_opening.NewCase(
        district_code="SHE",
        referral_at=ctx.now(),
        referral_source="Education",
        subject_ref="SC-104233",
        age_band="13-15",
        procedure_id="cse-sop",
    )
    case_opening.open_case(ctx, officer, form)


def test_a_case_opened_while_demo_data_is_written_stops_the_demo_in_words(initialised, monkeypatch) -> None:
    """The demo numbers its cases before writing them; a case a user opened meanwhile ended it with
    'unexpected failure (RuntimeError: demo case numbered 3, planned as 1)'."""
    _small_batches(monkeypatch)
    actor = system_actor()

    def progress(message: str) -> None:
        if message.startswith("demo: 2/"):  # between the first and the second batch
            _open_a_case_as_a_demo_investigator(initialised)

    with pytest.raises(Conflict, match=r"added cases .* stopped after 2 whole case\(s\)"):
        generator.generate(initialised, actor, cases=6, seed=3, progress=progress)
    report = admin.verify(initialised, actor)
    assert report.ok, [str(p) for p in report.problems]


def test_a_write_while_the_bulk_writer_holds_its_batch_waits_for_it(initialised, monkeypatch) -> None:
    """The bulk writer reads the chain head and the next ids, then writes after them. Begun as an ordinary
    transaction, a user's write in between made SQLite refuse the batch ('database is locked') and, on
    PostgreSQL, gave two entries the same number. Now the batch holds the write lock from its first read:
    the user's write waits for it, and both are saved, chained one after the other."""
    _small_batches(monkeypatch)
    actor = system_actor()
    other = ServiceContext.open(initialised.db.url)
    real_flush = bulk.BulkWriter.flush
    waiter: list[threading.Thread] = []
    failures: list[BaseException] = []

    def add_user() -> None:
        try:
            accounts.create_user(
                other, actor, username="late.auditor", display_name="Late Auditor", role="auditor", password=PASSWORD
            )
        except BaseException as exc:  # reported by the test
            failures.append(exc)

    def flush_after_a_write(self):  # type: ignore[no-untyped-def]
        if not waiter:
            thread = threading.Thread(target=add_user)
            waiter.append(thread)
            thread.start()
            thread.join(timeout=2)  # it waits for this batch's lock (without the lock it finished here)
        return real_flush(self)

    monkeypatch.setattr(bulk.BulkWriter, "flush", flush_after_a_write)
    try:
        generator.generate(initialised, actor, cases=2, seed=3)
        waiter[0].join(timeout=60)
    finally:
        other.close()
    assert not failures, failures
    report = admin.verify(initialised, actor)
    assert report.ok, [str(p) for p in report.problems]
    with initialised.db.read() as session:
        from sqlalchemy import select

        from checklist_app.store.models import User

        assert session.scalar(select(User.id).where(User.username == "late.auditor")) is not None
