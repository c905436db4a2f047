"""Feedback pages: one self-contained HTML file per submission, readable offline, free of machine paths.

The page shows the score and status, a table of exercises with the check's message, then the notebook
as it was run: markdown rendered, code, and the output each cell produced in the sandbox (captured
text, capped). Math is typeset by a local copy of MathJax (``feedback/<student>/mathjax/tex-svg.js``,
from the ``django-static-mathjax`` package; without it the TeX shows raw), never a CDN. Every path of
the grading machine (course, Python environment, home) is replaced by a placeholder.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sys
from pathlib import Path

from gan_lab.grading import atomic_text

MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.DOTALL)
STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;white-space:pre-wrap}pre.out{background:#fff;border-left:3px solid #ccc}
pre.err{background:#fff0f0;border-left:3px solid #c00}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem}
.pass{color:#075}.fail{color:#b00}.grade{border:2px solid #999;padding:.4rem;margin:.5rem 0}"""


def points(n: float) -> str:
    """``1 point``, ``2 points``, ``1.5 points``."""
    return f"{n:g} point" + ("" if n == 1 else "s")


def attach(items: list[dict], outcome) -> None:
    """Copy the verifier's outputs, errors and check results onto the planned cells."""
    for item in items:
        cell = outcome.cells.get(item["index"])
        if cell:
            item["output"], item["error"] = cell["output"], cell["error"]
        check = outcome.checks.get(item["exercise"]) if item.get("exercise") else None
        if check:
            item["output"], item["check"] = check["output"], check


def scrub(text: str, root: Path) -> str:
    """Replace the grading machine's paths by placeholders."""
    from gan_lab.grading.sandbox import PACKAGE

    pairs = [(str(root.resolve()), "<course>"), (str(PACKAGE.parent), "<course>"), (sys.prefix, "<python>")]
    pairs += [(os.path.realpath(sys.prefix), "<python>"), (sys.base_prefix, "<python>"), (str(Path.home()), "~")]
    for path, placeholder in sorted(pairs, key=lambda p: -len(p[0])):
        if len(path) > 1:
            text = text.replace(path, placeholder)
    return text


def markdown(text: str) -> str:
    """Markdown to HTML with the math spans kept intact for MathJax."""
    import mistune

    spans: list[str] = []

    def keep(match: re.Match) -> str:
        spans.append(match.group(0))
        return f"MATHSPAN{len(spans) - 1}END"

    rendered = mistune.html(MATH.sub(keep, text))
    return re.sub(r"MATHSPAN(\d+)END", lambda m: html.escape(spans[int(m.group(1))]), rendered)


def mathjax(folder: Path) -> str:
    """Copy MathJax into the student's feedback folder once; the script tag (empty when not installed)."""
    try:
        import mathjax as package
    except ImportError:
        return ""
    source = Path(package.__file__).parent / "static" / "mathjax" / "es5" / "tex-svg.js"
    target = folder / "mathjax" / "tex-svg.js"
    if not source.is_file():
        return ""
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    config = "<script>MathJax={tex:{inlineMath:[['$','$']]}};</script>"
    return config + '<script src="../mathjax/tex-svg.js"></script>'


def page(result, items: list[dict], root: Path, script: str) -> str:
    """The whole feedback page."""
    score = "not submitted" if result.score is None else f"{result.score:g} / {points(result.max_score)}"
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td class={'pass' if message == 'passed' else 'fail'}>{p:g}</td>"
        f"<td>{html.escape(message)}</td></tr>"
        for name, (p, message) in result.exercises.items()
    )
    body = [
        f"<h1>{html.escape(result.lesson)}: feedback for {html.escape(result.student)}</h1>",
        f"<p><b>Score: {score}</b> &middot; status: {html.escape(result.status)}</p>",
        f"<table><tr><th>exercise</th><th>points</th><th>check</th></tr>{rows}</table>" if rows else "",
    ]
    for item in items:
        if item["cell_type"] == "markdown":
            body.append(markdown(item["source"]))
            continue
        if item["cell_type"] != "code":
            continue
        if item.get("exercise"):  # the grader's own call of the check, not the grade cell's source
            earned, message = result.exercises.get(item["exercise"], (0.0, "not checked"))
            body.append(
                f"<div class=grade><b>Grade cell for <code>{html.escape(item['exercise'])}</code>: "
                f"{html.escape(points(earned))}</b> &middot; {html.escape(message)}"
            )
        else:
            body.append(f"<pre>{html.escape(item['source'])}</pre>")
        if item.get("output"):
            body.append(f"<pre class=out>{html.escape(item['output'])}</pre>")
        if item.get("error"):
            body.append(f"<pre class=err>{html.escape(item['error'])}</pre>")
        if item.get("exercise"):
            body.append("</div>")
    text = scrub("\n".join(body), root)
    title = html.escape(f"{result.lesson} feedback")
    return (
        f"<!DOCTYPE html><html><head><meta charset=utf-8><title>{title}</title><style>{STYLE}</style>"
        f"{script}</head><body>\n{text}\n</body></html>\n"
    )


def write(root: Path, result, items: list[dict]) -> Path:
    """``feedback/<student>/<lesson>/<lesson>.html`` for one Result."""
    folder = root / "feedback" / result.student
    path = folder / result.lesson / f"{result.lesson}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_text(path, page(result, items, root, mathjax(folder)))
    return path
