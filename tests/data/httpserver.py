"""A real HTTP server on 127.0.0.1 for provider tests (no test touches the internet).

``serve(route)`` runs a ``ThreadingHTTPServer`` on a free port in a thread; ``route``
maps a request (path, query dict) to ``(status, content_type, body)``. Every request is
recorded (``server.requests``) so tests can assert what a provider asked for.
Also: fake Yahoo and Stooq routes that answer from the recorded files, honouring the
requested date range the way the real services do, and ``closed_port()``.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

RECORDED = Path(__file__).parent / "recorded"

Query = dict[str, str]
Answer = tuple[int, str, str | bytes]
Route = Callable[[str, Query], Answer]


@dataclass
class Server:
    """A running local server: its base URL and the requests it received."""

    url: str
    requests: list[tuple[str, Query]] = field(default_factory=list)

    def queries(self, path_prefix: str = "") -> list[Query]:
        return [q for p, q in self.requests if p.startswith(path_prefix)]


@contextmanager
def serve(route: Route) -> Iterator[Server]:
    """Serve ``route`` on 127.0.0.1 (port 0) in a daemon thread for the ``with`` block."""
    server: Server

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            server.requests.append((path, query))
            status, ctype, body = route(path, query)
            data = body.encode() if isinstance(body, str) else body
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # client gave up (timeout tests)
                pass

        def log_message(self, *args: object) -> None:  # keep pytest output quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server = Server(f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def closed_port() -> int:
    """A local port with nothing listening (connecting to it is refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- fake services answering from the recorded files --------------------------------

def yahoo_route(path: str, query: Query) -> Answer:
    """Yahoo's chart API: recorded ``yahoo/SYMBOL.json`` cut to ``period1 <= t < period2``."""
    prefix = "/v8/finance/chart/"
    if not path.startswith(prefix):
        return 404, "text/html", "<html><body>Not Found</body></html>"
    symbol = path[len(prefix):]
    file = RECORDED / "yahoo" / f"{symbol.replace('^', '_')}.json"
    if not file.exists():
        return 404, "application/json", (RECORDED / "yahoo" / "not_found.json").read_text()
    doc = json.loads(file.read_text())
    lo, hi = int(query.get("period1", 0)), int(query.get("period2", 2**40))
    res = doc["chart"]["result"][0]
    keep = [i for i, t in enumerate(res["timestamp"]) if lo <= t < hi]
    res["timestamp"] = [res["timestamp"][i] for i in keep]
    quote = res["indicators"]["quote"][0]
    for k in quote:
        quote[k] = [quote[k][i] for i in keep]
    adj = res["indicators"]["adjclose"][0]
    adj["adjclose"] = [adj["adjclose"][i] for i in keep]
    if not keep:  # what Yahoo sends for a range without bars
        del res["timestamp"]
        res["indicators"] = {"quote": [{}], "adjclose": [{}]}
    return 200, "application/json;charset=utf-8", json.dumps(doc, separators=(",", ":"))


def stooq_route(path: str, query: Query) -> Answer:
    """Stooq's CSV download: recorded ``stooq/<ticker>.csv`` cut to ``d1..d2``; else No data."""
    if path != "/q/d/l/":
        return 404, "text/html", "<html><body>Not Found</body></html>"
    file = RECORDED / "stooq" / f"{query.get('s', '').replace('^', '_')}.csv"
    no_data = (RECORDED / "stooq" / "no_data.txt").read_text()
    if not file.exists():
        return 200, "text/plain", no_data
    lines = file.read_text().splitlines()
    lo = _stooq_day(query.get("d1", "19000101"))
    hi = _stooq_day(query.get("d2", "29991231"))
    rows = [r for r in lines[1:] if lo <= r[:10] <= hi]
    if not rows:
        return 200, "text/plain", no_data
    body = "\r\n".join([lines[0], *rows]) + "\r\n"
    return 200, "text/csv", body


def _stooq_day(yyyymmdd: str) -> str:
    return datetime.strptime(yyyymmdd, "%Y%m%d").replace(tzinfo=UTC).strftime("%Y-%m-%d")
