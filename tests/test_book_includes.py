"""Every piece of gan_lab source a chapter shows (``literalinclude``) still exists: a fast check of
what the slow book build (tests/test_book.py) would reject, so moving code cannot silently break it."""

from __future__ import annotations

import ast
import re

from tests.conftest import ROOT

INCLUDE = re.compile(r"```\{literalinclude\} \.\./(\S+)\n((?::[\w-]+:.*\n)*)")


def test_every_included_object_and_line_exists() -> None:
    seen = 0
    for chapter in sorted((ROOT / "book").glob("*.md")):
        for path, options in INCLUDE.findall(chapter.read_text()):
            source = (ROOT / path).read_text()
            opts = dict(re.findall(r":([\w-]+): ?(.*)", options))
            if "pyobject" in opts:
                objects = {
                    n.name: ast.get_source_segment(source, n)
                    for n in ast.walk(ast.parse(source))
                    if isinstance(n, ast.FunctionDef | ast.ClassDef)
                }
                assert opts["pyobject"] in objects, f"{chapter.name}: {path} has no {opts['pyobject']}"
                source = objects[opts["pyobject"]]  # the lines below are looked for inside that object
            for key in ("start-at", "end-at", "start-after", "end-before"):
                if key in opts:
                    assert opts[key] in source, f"{chapter.name}: {path} has no line {opts[key]!r}"
            seen += 1
    assert seen >= 5, "the chapters show gan_lab's source in several places"
