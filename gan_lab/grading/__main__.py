"""``python -m gan_lab.grading generate|strip|grade`` (``make lessons`` / ``make grade``)."""

from __future__ import annotations

import dataclasses
import sys
import warnings
from pathlib import Path

from gan_lab.errors import OneLineParser
from gan_lab.grading import batch, release, sandbox

REPO = Path(__file__).resolve().parents[2]
COMMANDS = {
    "generate": "regenerate lessons/ from solutions/ (refuses to replace edited notebooks; --backup keeps a copy)",
    "strip": "remove outputs and execution counts from the solutions/ notebooks (before committing)",
    "grade": "grade submitted/<student>/<lesson>/<lesson>.ipynb: gradebook, grades.csv, report, feedback/",
}


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(
        prog="python -m gan_lab.grading",
        description="Instructor commands: " + "; ".join(f"{k}: {v}" for k, v in COMMANDS.items()),
    )
    parser.add_argument("command", choices=tuple(COMMANDS))
    parser.add_argument("--root", type=Path, default=REPO, help="course directory holding nbgrader_config.py")
    parser.add_argument("--backup", action="store_true", help="generate: move edited lessons aside, then regenerate")
    parser.add_argument(
        "--unsafe-no-sandbox",
        action="store_true",
        help="grade: run learner code WITHOUT the sandbox (it can then read and change this machine's files)",
    )
    for field in dataclasses.fields(sandbox.Limits):  # grade: the sandbox's limits (see sandbox.Limits)
        flag = "--" + field.name.replace("_", "-")
        parser.add_argument(
            flag,
            type=type(field.default),
            default=field.default,
            help="grade: see Limits in gan_lab/grading/sandbox.py (default %(default)s)",
        )
    args = parser.parse_args(argv)
    limits = {f.name: getattr(args, f.name) for f in dataclasses.fields(sandbox.Limits)}
    for name, value in limits.items():
        if not value > 0:
            parser.error(f"--{name.replace('_', '-')} must be > 0, got {value}")
    if args.backup and args.command != "generate":
        parser.error("--backup applies to generate only")
    changed = args.unsafe_no_sandbox or any(
        v != f.default for f, v in zip(dataclasses.fields(sandbox.Limits), limits.values())
    )
    if changed and args.command != "grade":
        parser.error("--unsafe-no-sandbox and the limits apply to grade only")
    root = args.root.resolve()
    if not (root / "nbgrader_config.py").is_file():
        print(f"error: {root} has no nbgrader_config.py (expected a course directory)", file=sys.stderr)
        return 2
    try:
        if args.command == "strip":
            for path in sorted((root / "solutions").glob("*/*.ipynb")):
                if release.strip_notebook(path):
                    print(f"stripped {path.relative_to(root)}")
        elif args.command == "generate":
            for path in release.generate(root, backup=args.backup):
                print(f"wrote {path.relative_to(root)}")
        else:
            from gan_lab.checks import LESSONS

            warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader 0.9.6's gradebook noise
            if args.unsafe_no_sandbox:
                print("WARNING: grading without a sandbox: learner code runs as you, with your files", file=sys.stderr)
            batch.grade(root, LESSONS, limits=sandbox.Limits(**limits), unsafe=args.unsafe_no_sandbox)
            print(f"wrote {root / 'grades.csv'}, {root / 'grading_report.txt'} and {root / 'feedback'}/")
    except (release.EditedWork, sandbox.SandboxUnavailable) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
