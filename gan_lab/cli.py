"""The ``gan-lab`` command line (also ``python -m gan_lab``): it only turns arguments into configs and dispatches.

Each command (``gan_lab.commands``) is a config dataclass plus a function that runs it; every dataclass
field becomes a ``--flag`` whose help text and default come from the field, so ``--help`` lists them
all. Bad input ends with one line on stderr and exit status 2; an interrupted run (Ctrl-C) keeps its
last checkpoint.
"""

from __future__ import annotations

import argparse
import sys
import typing
from collections.abc import Sequence
from dataclasses import MISSING, fields

from gan_lab.commands import COMMANDS
from gan_lab.runtime import GanLabError, OneLineParser, first_line


def _add_fields(parser: argparse.ArgumentParser, config_cls: type) -> None:
    hints = typing.get_type_hints(config_cls)
    for f in fields(config_cls):
        flag = "--" + f.name.replace("_", "-")
        kind = hints[f.name]
        default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
        help_text = f"{f.metadata.get('help', '')} (default: {default!r})"
        if kind is bool:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default, help=help_text)
        else:
            parser.add_argument(flag, type=kind, default=default, choices=f.metadata.get("choices"), help=help_text)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="gan-lab", description="GAN Lab: train, sample and evaluate GANs on MNIST.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser)
    for name, command in COMMANDS.items():
        p = sub.add_parser(name, help=command.help, description=(command.config.__doc__ or command.help).strip())
        _add_fields(p, command.config)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # argparse itself exits with 2 on a malformed command line
    command = COMMANDS[args.command]
    cfg = command.config(**{f.name: getattr(args, f.name) for f in fields(command.config)})
    try:
        command.run(cfg)
    except GanLabError as err:
        print(f"gan-lab {args.command}: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # a file the command reads or writes: the environment's doing, not a bug to trace
        where = f" ({err.filename})" if err.filename else ""
        print(f"gan-lab {args.command}: error: {first_line(err)}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"gan-lab {args.command}: interrupted{command.interrupted(cfg)}", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
