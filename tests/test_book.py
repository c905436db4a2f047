"""The web book: build it (warnings are errors), then open every page in headless Chromium, offline.

For each page of ``_toc.yml`` the test checks, through the Chrome DevTools protocol (a websocket,
driven with the ``websocket-client`` package):
- MathJax ran and left no raw TeX (``$$``, ``\\frac``, ...) in the visible text outside code blocks,
  no MathJax error nodes, and no display equation wider than the text column (at 1280x900);
- every ``<img>`` loaded (``naturalWidth > 0``);
- the console logged no error and the page threw no exception;
- the page requested nothing outside the build (no http(s) request at all);
- no table cell of three or more words is set one word per line (wide tables scroll instead);
- every sample grid (an image with the class ``sample-grid`` and ``digits-across-N``, N the number of
  digit widths across the whole image, margins included) is displayed at least 28 px per digit, and
  the chapters that show samples have such grids.
It saves a screenshot of the first screen and a half-scale one of the whole page of each under
``_build/screenshots/``. Chromium is the Debian package ``chromium`` (``make test-slow`` installs it).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
    "--window-size=1280,900",
]
# TeX that MathJax should have turned into math; looked for in the visible text outside code blocks
RAW_TEX = re.compile(
    r"\$\$|\\(frac|tfrac|mathbb|mathcal|mathrm|log|sigma|ell|partial|sum|int|left|right|begin|end|operatorname|text|qquad)\b"
)


# pages that show generated or real digits: each must have at least one tagged sample grid
PAGES_WITH_GRIDS = {
    "book/01_introduction",
    "book/03_mlp_gan",
    "book/04_conv64_gan",
    "book/05_dcgan_gpu",
    "book/06_latent_space",
    "book/evaluation",
    "book/10_conditional",
}
MIN_PX_PER_DIGIT = 28
# the rendered lines of each table cell of three words or more: [cell text, words, lines]; a formula
# counts as one word (a two-word header set on two lines is ordinary typesetting, not a squeezed column)
TABLE_CELL_LINES = """Array.from(document.querySelectorAll('article td, article th')).map(cell => {
    let words = cell.querySelectorAll('mjx-container').length;
    // one rectangle per line fragment of every text node (and formula); fragments on one line share their middle
    const rects = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        if (walker.currentNode.parentElement.closest('mjx-container, .mjx-assistive-mml')) continue;
        words += walker.currentNode.textContent.split(/\\s+/).filter(w => w.length > 0).length;
        const range = document.createRange();
        range.selectNodeContents(walker.currentNode);
        rects.push(...range.getClientRects());
    }
    cell.querySelectorAll('mjx-container').forEach(m => rects.push(m.getBoundingClientRect()));
    const middles = rects.filter(r => r.width > 0 && r.height > 0)
        .map(r => (r.top + r.bottom) / 2).sort((a, b) => a - b);
    let lines = 0, last = -1e9;
    for (const m of middles) { if (m - last > 6) { lines += 1; last = m; } }
    return [cell.textContent.trim().slice(0, 60), words, lines];
}).filter(([text, words, lines]) => words >= 3)"""
# displayed width of each sample grid and the number of digits across it
SAMPLE_GRIDS = """Array.from(document.querySelectorAll('img.sample-grid')).map(img => {
    const tag = Array.from(img.classList).find(c => c.startsWith('digits-across-'));
    return [img.getAttribute('src'), img.getBoundingClientRect().width, tag ? parseInt(tag.slice(14)) : null];
})"""


def toc_pages() -> list[str]:
    """Document names from _toc.yml, in reading order (root first)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [c["file"] for c in part.get("chapters", [])]
    return pages


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


@pytest.fixture(scope="module")
def built_book() -> Path:
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jupyter_book), "build", str(ROOT), "-W", "-n", "--keep-going"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"jupyter-book build failed or warned:\n{log[-6000:]}"
    return HTML


class DevTools:
    """The few Chrome DevTools protocol calls the test needs, over one page's websocket."""

    def __init__(self, ws_url: str) -> None:
        import websocket  # websocket-client

        self.ws = websocket.create_connection(ws_url, timeout=120, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params: object) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, event: str, timeout: float = 60.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for msg in self.events:
                if msg.get("method") == event:
                    self.events.remove(msg)
                    return msg
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {event} within {timeout} s")
            self.events.append(json.loads(self.ws.recv()))

    def evaluate(self, expression: str, await_promise: bool = False) -> object:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=await_promise)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def browser(built_book: Path) -> Iterator[DevTools]:
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium on PATH: apt-get install -y chromium (make test-slow does it)")
    # ignore_cleanup_errors: Chromium's helper processes may still be writing the profile as it is removed
    with tempfile.TemporaryDirectory(prefix="gan-lab-chromium-", ignore_cleanup_errors=True) as profile:
        proc = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the browser and its helpers end together
        )
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + 60
            while not (port_file.exists() and port_file.read_text().strip()):
                assert proc.poll() is None, "Chromium exited at start-up"
                assert time.monotonic() < deadline, "Chromium did not open its DevTools port within 60 s"
                time.sleep(0.2)
            port = int(port_file.read_text().split()[0])
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:  # localhost only
                targets = json.load(r)
            page = next(t for t in targets if t["type"] == "page")
            devtools = DevTools(page["webSocketDebuggerUrl"])
            for domain in ("Page", "Runtime", "Log", "Network"):
                devtools.call(f"{domain}.enable")
            devtools.call(
                "Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False
            )
            yield devtools
            devtools.close()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)  # the group this test started, nothing else
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def test_no_page_references_the_network(built_book: Path) -> None:
    """No script, stylesheet or image of any page is fetched from http(s) (links in the text may be)."""
    pattern = re.compile(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=[\"'](https?:)?//", re.I)
    offenders = [
        str(p.relative_to(built_book))
        for p in built_book.rglob("*.html")
        if pattern.search(p.read_text(errors="replace"))
    ]
    assert not offenders, f"pages loading something from the network: {offenders}"
    assert (built_book / "_static" / "mathjax" / "tex-mml-svg.js").is_file()


@pytest.mark.parametrize("docname", toc_pages())
def test_page_renders_offline(browser: DevTools, docname: str) -> None:
    path = HTML / f"{docname}.html"
    assert path.is_file(), f"{path} was not built"
    browser.events.clear()
    browser.call("Page.navigate", url=path.as_uri())
    browser.wait_for("Page.loadEventFired")
    # Sphinx loads MathJax only on pages with math; it typesets after load, and its startup promise
    # resolves when the first typeset is done
    if browser.evaluate("document.querySelector('.math') !== null"):
        assert browser.evaluate("typeof window.MathJax === 'object' && !!window.MathJax.startup"), (
            "MathJax did not load"
        )
        browser.evaluate("MathJax.startup.promise.then(() => true)", await_promise=True)
        assert browser.evaluate("document.querySelectorAll('mjx-container').length") > 0, (
            f"no formula typeset on {docname}"
        )
    browser.evaluate("document.fonts.ready.then(() => true)", await_promise=True)
    time.sleep(0.3)  # let late console messages arrive

    visible_text = browser.evaluate(
        """(() => {
            const body = document.body.cloneNode(true);
            body.querySelectorAll('pre, code, .highlight, script, style, mjx-container, .mjx-assistive-mml').forEach(e => e.remove());
            return body.innerText;
        })()"""
    )
    raw = sorted({m.group(0) for m in RAW_TEX.finditer(visible_text)})
    assert not raw, f"raw TeX visible on {docname}: {raw}"
    assert browser.evaluate("document.querySelectorAll('mjx-merror, [data-mjx-error]').length") == 0, (
        f"MathJax errors on {docname}"
    )

    too_wide = browser.evaluate(
        """Array.from(document.querySelectorAll('mjx-container[display="true"]')).filter(c => {
            // MathJax's SVG for a numbered equation is as wide as the column and clips what overflows,
            // so compare the right edge of the drawn formula with the container's
            const right = Math.max(...Array.from(c.querySelectorAll('g[data-mml-node]')).map(g => g.getBoundingClientRect().right));
            return right > c.getBoundingClientRect().right + 2;
        }).map(c => c.parentElement.id || c.textContent.slice(0, 40))"""
    )
    assert not too_wide, f"display equations wider than the text column on {docname}: {too_wide}"

    images = browser.evaluate(
        "Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])"
    )
    broken = [src for src, complete, width in images if not complete or width == 0]
    assert not broken, f"images that did not load on {docname}: {broken}"

    cells = browser.evaluate(TABLE_CELL_LINES)
    squeezed = [text for text, words, lines in cells if lines >= words]
    assert not squeezed, f"table cells wrapped to one word per line on {docname}: {squeezed}"

    grids = browser.evaluate(SAMPLE_GRIDS)
    untagged = [src for src, width, across in grids if not across]
    assert not untagged, f"sample grids without a digits-across-N class on {docname}: {untagged}"
    small = [(src, round(width / across, 1)) for src, width, across in grids if width / across < MIN_PX_PER_DIGIT]
    assert not small, f"sample grids under {MIN_PX_PER_DIGIT} px per digit on {docname}: {small}"
    if docname in PAGES_WITH_GRIDS:
        assert grids, f"{docname} shows digits but has no image tagged as a sample grid"

    # drain what is left, then look at everything the page reported
    browser.evaluate("1")
    errors, remote = [], []
    for msg in browser.events:
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            errors.append(
                params["exceptionDetails"].get("exception", {}).get("description", str(params["exceptionDetails"]))
            )
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            errors.append(f"{params['entry'].get('text')} {params['entry'].get('url', '')}")
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not url.startswith(("file:", "data:", "blob:", "about:")):
                remote.append(url)
    assert not errors, f"console errors on {docname}: {errors}"
    assert not remote, f"{docname} requested from the network: {remote}"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = docname.replace("/", "_")
    shot = browser.call("Page.captureScreenshot", format="png")
    (SCREENSHOTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
    # the whole page: make the window as tall as the page (at most 16,000 px), then take it at half scale
    height = min(int(browser.evaluate("document.documentElement.scrollHeight")), 16000)
    browser.call("Emulation.setDeviceMetricsOverride", width=1280, height=height, deviceScaleFactor=1, mobile=False)
    time.sleep(0.5)
    full = browser.call(
        "Page.captureScreenshot", format="png", clip={"x": 0, "y": 0, "width": 1280, "height": height, "scale": 0.5}
    )
    browser.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
    (SCREENSHOTS / f"{name}-full.png").write_bytes(base64.b64decode(full["data"]))
    math_count = browser.evaluate("document.querySelectorAll('mjx-container').length")
    print(f"{docname}: {len(images)} images, {math_count} formulas, screenshot {SCREENSHOTS / name}.png")


def test_listings_drop_tex_docstrings() -> None:
    """A listed docstring with TeX keeps its first line, or goes when that line has TeX; others stay whole."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        from code_listing import strip_tex_docstrings
    finally:
        sys.path.pop(0)
    source = (
        "def f(x):\n"
        '    r"""Square it.\n'
        "\n"
        "    $$f(x) = x^2$$\n"
        '    """\n'
        "    return x * x\n"
        "\n"
        "\n"
        "def g(x):\n"
        '    r"""The map $x \\mapsto x$."""\n'
        "    return x\n"
        "\n"
        "\n"
        "def h(x):\n"
        '    """Plain text stays."""\n'
        "    return x\n"
    )
    assert strip_tex_docstrings(source) == (
        'def f(x):\n    """Square it."""\n    return x * x\n\n\n'
        "def g(x):\n    return x\n\n\n"
        'def h(x):\n    """Plain text stays."""\n    return x\n'
    )
    # a partial listing that does not parse is left exactly as it is
    assert strip_tex_docstrings('    """$x$"""\n  return') == '    """$x$"""\n  return'
