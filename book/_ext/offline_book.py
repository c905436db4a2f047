"""Sphinx extension for the GAN Lab book: make every page render without the network.

1. MathJax: copy ``es5/tex-mml-svg.js`` (MathJax 3.2.2, from the pip package django-static-mathjax) into
   ``_build/book_static/mathjax/`` and add that folder to ``html_static_path``, so that
   ``mathjax_path = "mathjax/tex-mml-svg.js"`` (set in ``_config.yml``) resolves to
   ``_static/mathjax/tex-mml-svg.js`` in the built site. The folder is deliberately not named ``_static``:
   jupyter-book 1 adds every .js file in a source folder called ``_static`` to every page as a script.
2. thebe: jupyter-book always loads sphinx-thebe, which puts on every page an inline script defining
   ``THEBE_JS_URL`` (a CDN address; the snippet is added twice, which logs a console error) and loads
   ``sphinx-thebe.js``; it also appends to every page a ``text/x-thebe-config`` block naming a Binder
   repository and a ``kernelName`` script. The book has no live code, so all of these are removed.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

MATHJAX_FILE = "tex-mml-svg.js"


def _mathjax_source() -> Path:
    import mathjax  # the django-static-mathjax package

    path = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / MATHJAX_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: pip install django-static-mathjax==3.2.2.1")
    return path


def _install_mathjax(app: Sphinx, config: Config) -> None:
    static = Path(app.outdir).parent / "book_static"
    target = static / "mathjax" / MATHJAX_FILE
    source = _mathjax_source()
    if not target.is_file() or target.stat().st_size != source.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    if str(static) not in config.html_static_path:
        config.html_static_path.append(str(static))


def _is_thebe(script: Any) -> bool:
    filename = getattr(script, "filename", script)
    body = getattr(script, "attributes", {}).get("body", "") or ""
    return (isinstance(filename, str) and "thebe" in filename) or "THEBE_JS_URL" in body


def _drop_thebe(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if not _is_thebe(s)]


def _drop_thebe_nodes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(nodes.raw)):
        if "x-thebe-config" in node.astext() or "kernelName = " in node.astext():
            node.parent.remove(node)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _install_mathjax)
    app.connect("doctree-resolved", _drop_thebe_nodes, priority=900)  # after sphinx-thebe adds them (500)
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
