"""The SVG charts draw the same when opened on their own under the site's strict CSP (no
'unsafe-inline' styles): served with the header by a local server, looked at in chromium."""

import functools
import http.server
import io
import threading

import numpy as np
import pytest

from tapereader.charts.trend import render_trend
from tapereader.config import default_watchlist
from tapereader.story.names import Names
from tests.story.synthetic import ASOF, rally_findings

CSP = "default-src 'none'; img-src 'self'; style-src 'self'"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args):  # quiet
        pass


def _look(url: str, out: dict) -> None:
    """Open ``url`` in chromium: the screenshot and the CSP violations it logged."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS,
                                  headless=True)
            try:
                page = b.new_page(viewport={"width": 700, "height": 400})
                blocked: list[str] = []
                page.on("console", lambda m: blocked.append(m.text)
                        if "Content Security Policy" in m.text else None)
                page.goto(url)
                out["shot"], out["blocked"] = page.screenshot(), blocked
            finally:
                b.close()
    except Exception as e:  # reported by the test
        out["error"] = repr(e)


@pytest.mark.browser
def test_svg_draws_under_a_strict_csp(real_bars, tmp_path):
    from PIL import Image

    line = next(f for f in rally_findings() if f.kind == "trendline")
    c = render_trend(real_bars("GSPC"), line, ASOF, tmp_path, Names(default_watchlist()))
    svg = (tmp_path / c.files["svg"]).read_text(encoding="utf-8")
    assert "style=" not in svg and "<style" not in svg
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/{c.files['svg']}"
    out: dict = {}
    # in a thread of its own: Playwright's sync API refuses a thread whose asyncio loop runs
    # (another test's session-wide browser may hold this one)
    worker = threading.Thread(target=_look, args=(url, out))
    try:
        worker.start()
        worker.join(timeout=120)
    finally:
        server.shutdown()
    assert not worker.is_alive() and "error" not in out, out.get("error")
    blocked, shot = out["blocked"], out["shot"]
    assert blocked == []
    img = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"), dtype=float) / 255
    assert img.mean() > 0.8                 # a white chart, not a black box of unstyled shapes
    purple = (np.abs(img - np.array([0x6a, 0x1b, 0x9a]) / 255).sum(axis=2) < 0.15).mean()
    assert purple > 0.001                   # the trend line in its colour
