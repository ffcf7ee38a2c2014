"""Option values that begin with a minus sign.

argparse reads a word starting with '-' as the next option unless it looks like a negative number, so
`verify --anchor -1:abc`, `user add x --password -Secret-1-Long` or `--name "-"` failed with "expected one
argument", naming neither the value nor what was wrong with it. An option that takes a value is given the
word after it as that value (joined as `--option=value`, which argparse always reads as the value) unless
the word is itself one of the program's options; the value is then checked like any other.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:  # argparse keeps its subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _parsers(child)


def _options(parser: argparse.ArgumentParser) -> tuple[frozenset[str], frozenset[str]]:
    """(every option string of every command, those that take exactly one value)."""
    every: set[str] = set()
    one_value: set[str] = set()
    for each in _parsers(parser):
        for action in each._actions:
            every.update(action.option_strings)
            if action.option_strings and action.nargs is None and not isinstance(action, _NO_VALUE):
                one_value.update(action.option_strings)
    return frozenset(every), frozenset(one_value)


_NO_VALUE = (
    argparse._StoreConstAction,
    argparse._AppendConstAction,
    argparse._CountAction,
    argparse._HelpAction,
    argparse._VersionAction,
    argparse.BooleanOptionalAction,
)


def attach_dash_values(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """`argv` with each `--option VALUE` whose VALUE starts with '-' written as `--option=VALUE`."""
    every, one_value = _options(parser)
    result: list[str] = []
    words = list(argv)
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":  # everything after it is positional already
            result.extend(words[index:])
            break
        following = words[index + 1] if index + 1 < len(words) else None
        if (
            word in one_value
            and following is not None
            and following.startswith("-")
            and following != "--"
            and following.partition("=")[0] not in every
        ):
            # `-xVALUE` for a short option: argparse would read `-x=VALUE` as the value "=VALUE".
            result.append(f"{word}={following}" if word.startswith("--") else word + following)
            index += 2
            continue
        result.append(word)
        index += 1
    return result
