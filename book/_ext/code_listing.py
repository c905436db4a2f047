"""Sphinx extension for the GAN Lab book: code listings without raw TeX.

``gan_lab``'s docstrings write their equations in LaTeX, which reads well in an editor and as help
text but shows up as raw TeX in a ``literalinclude`` listing, where nothing renders it; the chapters
write the same equations out as mathematics next to the listing. This replaces ``literalinclude``
with a version that, in a Python listing, shortens every docstring holding TeX (a ``$`` or a
backslash command) to its first line, or drops it when that line holds TeX too. Everything else,
options included, is Sphinx's own directive.
"""

from __future__ import annotations

import ast
import re
import textwrap
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.directives.code import LiteralInclude

TEX = re.compile(r"\$|\\[a-zA-Z]+")


def _docstring_spans(source: str) -> list[tuple[int, int, str, int]]:
    """(first line, last line, docstring, indent) of every docstring in ``source``, lines 1-based."""
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:  # a partial listing (:start-at:, :lines:): leave it as it is
        return []
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                spans.append((first.lineno, first.end_lineno, first.value.value, first.col_offset))
    return spans


def strip_tex_docstrings(source: str) -> str:
    """``source`` with each docstring that holds TeX cut to its first line (or removed if that has TeX)."""
    lines = source.splitlines()
    margin = min((len(line) - len(line.lstrip(" ")) for line in lines if line.strip()), default=0)
    for start, end, doc, col in sorted(_docstring_spans(source), reverse=True):
        if not TEX.search(doc):
            continue
        summary = doc.strip().splitlines()[0].strip()
        indent = " " * (margin + col)
        keep = [] if TEX.search(summary) or '"""' in summary else [f'{indent}"""{summary}"""']
        lines[start - 1 : end] = keep
    return "\n".join(lines) + ("\n" if source.endswith("\n") else "")


class TexFreeLiteralInclude(LiteralInclude):
    def run(self) -> list[nodes.Node]:
        result = super().run()
        if not self.arguments[0].endswith(".py"):
            return result
        for node in result:
            for block in node.findall(nodes.literal_block):
                text = strip_tex_docstrings(block.astext())
                block.rawsource = text
                block.clear()
                block += nodes.Text(text)
        return result


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("literalinclude", TexFreeLiteralInclude, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
