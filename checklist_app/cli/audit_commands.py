"""`checklist-app audit round create|list|show` and `checklist-app audit sample ROUND --seed S`.

Audit rounds belong to an auditor (independence is worked out for them), so these commands log on as one:
`--user NAME` (or $CHECKLIST_APP_USER), with the password from a prompt, or the first line of standard input
when that is not a terminal.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TextIO

from checklist_app.cli.credentials import USER_ENV, credentials
from checklist_app.core.permissions import Actor
from checklist_app.services import accounts
from checklist_app.services.context import ServiceContext
from checklist_app.services.errors import InvalidInput

if TYPE_CHECKING:
    from checklist_app.services.audit_dto import RoundDetail, RoundSummary


def add_parser(sub: Any) -> None:
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--user", metavar="NAME", help=f"the auditor to act as (default: ${USER_ENV})")
    who.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    audit = sub.add_parser("audit", help="casework audit rounds and their samples")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    round_ = audit_sub.add_parser("round", help="create, list and show audit rounds")
    round_sub = round_.add_subparsers(dest="round_command", metavar="ACTION", required=True)
    create = round_sub.add_parser("create", parents=[who], help="record a round: its frame and, with --seed, its draw")
    create.add_argument("--period", required=True, help="YYYY, YYYY-MM, YYYY-Qn or YYYY-MM-DD..YYYY-MM-DD")
    create.add_argument(
        "--district", action="append", default=[], metavar="CODE", help="district code (repeatable; default all)"
    )
    create.add_argument("--size", metavar="N", help="cases to sample (default: the SOP's audit.sample_size)")
    create.add_argument("--seed", metavar="S", help="draw the sample now with this seed (else use `audit sample`)")
    create.set_defaults(func=cmd_round_create)
    listing = round_sub.add_parser("list", parents=[who], help="list audit rounds")
    listing.set_defaults(func=cmd_round_list)
    show = round_sub.add_parser("show", parents=[who], help="a round's strata, sample and cases set aside")
    show.add_argument("round", metavar="ROUND")
    show.set_defaults(func=cmd_round_show)

    sample = audit_sub.add_parser(
        "sample", parents=[who], help="draw a round's sample, or redraw it with its seed and check it"
    )
    sample.add_argument("round", metavar="ROUND")
    sample.add_argument("--seed", required=True, metavar="S")
    sample.set_defaults(func=cmd_sample)


BIGGEST = 2**63 - 1  # what both databases store; a bigger id would fail inside the driver, not here


def _number(value: str | None, what: str) -> int | None:
    """ASCII digits only: int() would also take '٣' or '1_000', which a seed written down for a
    redraw must not depend on."""
    if value is None:
        return None
    text = value.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not (digits.isascii() and digits.isdigit()):
        raise InvalidInput(f"{what} must be a whole number, not {value[:30]!r}{'…' if len(value) > 30 else ''}.")
    # Length first: int() refuses more than 4300 digits with an error of its own.
    if len(digits.lstrip("0")) > len(str(BIGGEST)) or abs(int(text)) > BIGGEST:
        raise InvalidInput(f"{what} is too large: {text[:30]}{'…' if len(text) > 30 else ''}.")
    return int(text)


def _log_on(ctx: ServiceContext, args: argparse.Namespace) -> Actor:
    username, password = credentials(args, "auditor")
    return accounts.log_on(ctx, username, password)


def cmd_round_create(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.services import audit_rounds  # loaded for audit commands only

    size, seed = _number(args.size, "--size"), _number(args.seed, "--seed")
    with ServiceContext.open(args.db) as ctx:
        actor = _log_on(ctx, args)
        detail = audit_rounds.create_round(
            ctx, actor, period=args.period, districts=args.district, sample_size=size, seed=seed
        )
    _write_summary(out, detail.summary)
    if detail.summary.drawn:
        _write_draw(out, detail)
    else:
        out.write(f"not drawn yet: run `checklist-app audit sample {detail.summary.id} --seed S`\n")
    return 0


def cmd_round_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.services import audit_rounds  # loaded for audit commands only

    with ServiceContext.open(args.db) as ctx:
        rounds = audit_rounds.list_rounds(ctx, _log_on(ctx, args))
    if not rounds:
        out.write("no audit rounds yet (create one with `checklist-app audit round create`)\n")
    for r in rounds:
        seed = f"seed {r.seed}" if r.seed is not None else "not drawn"
        out.write(
            f"{r.id}\t{r.period}\t{' '.join(r.districts)}\tsample {r.sample_size} of {r.frame_size}\t{seed}\t"
            f"{r.signed_count}/{r.sample_size} signed\t{r.auditor}\n"
        )
    return 0


def cmd_round_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.services import audit_rounds  # loaded for audit commands only

    round_id = _number(args.round, "The audit round")
    assert round_id is not None
    with ServiceContext.open(args.db) as ctx:
        detail = audit_rounds.round_detail(ctx, _log_on(ctx, args), round_id)
    _write_summary(out, detail.summary)
    if detail.summary.drawn:
        _write_draw(out, detail)
    for s in detail.skipped:
        out.write(f"set aside\t{s.reference}\t{s.reason_text}\n")
    return 0


def cmd_sample(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.services import audit_rounds  # loaded for audit commands only

    round_id, seed = _number(args.round, "The audit round"), _number(args.seed, "--seed")
    assert round_id is not None and seed is not None
    with ServiceContext.open(args.db) as ctx:
        check = audit_rounds.sample_round(ctx, _log_on(ctx, args), round_id, seed)
    if not check.matches:
        err.write(
            f"error: redrawing round {round_id} with seed {seed} from its kept frame gives other cases than "
            "the recorded sample: the stored round has been altered\n"
        )
        return 1
    how = "drawn" if check.newly_drawn else "redrawn from the kept frame; it matches the recorded draw"
    out.write(f"audit round {round_id} {how} (seed {seed})\n")
    _write_draw(out, check.detail)
    return 0


def _write_summary(out: TextIO, s: RoundSummary) -> None:
    out.write(
        f"audit round {s.id}: {s.period}, districts {' '.join(s.districts)}, auditor {s.auditor}; "
        f"sample {s.sample_size} of {s.frame_size} eligible case(s), {s.skipped_count} set aside for independence\n"
    )


def _write_draw(out: TextIO, detail: RoundDetail) -> None:
    for st in detail.strata:
        out.write(f"stratum\t{st.label}\t{st.places} of {st.population}\t(proportional share {st.share:.2f})\n")
    for c in detail.sampled:
        extra = "\tmoderation" if c.moderation_due else ""
        out.write(f"sampled\t{c.reference}\t{c.stratum}\t{c.audit_status}{extra}\n")
