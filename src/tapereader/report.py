"""Write the daily report folder: index.html, note.md, note.txt, findings.json and the charts.

Atomic: everything is rendered into a temporary folder beside ``out_dir`` and swapped into
place only when complete, so a failed run leaves ``out_dir`` as it was (no half-written
note). A folder that holds anything but a previous report is never replaced.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .config import Watchlist
from .data.errors import TapereaderError
from .findings import Finding
from .story import numbers
from .story.compose import Note, compose_note, environment

log = logging.getLogger(__name__)
MARKER = ".tapereader-report"
# which note section each chart illustrates (when the plan did not say)
SECTION_OF = {"trend": "trendlines", "channels": "slope", "overlay": "leaders",
              "ratio": "leaders", "cross_asset": "cross_asset"}


class ReportError(TapereaderError):
    """The report cannot be written where asked."""


@dataclass
class ReportResult:
    """What ``write_report`` wrote: the folder, its files (relative names) and the headline."""

    out_dir: Path
    files: list[str]
    headline: str
    charts: list[Any] = field(default_factory=list)      # charts.style.Chart
    skipped: dict[str, str] = field(default_factory=dict)  # chart name -> why not drawn
    note: Note | None = None


def plan_charts(bars: Mapping[str, pd.DataFrame], findings: list[Finding], wl: Watchlist,
                asof: str, note: Note) -> list[tuple[str, Callable[[Path], Any]]]:
    """The charts the note calls for, in order, as (name, render(out_dir)) pairs.

    The story's chart plan (``story.chartplan``) decides what to draw; the renderers draw it.
    """
    from .charts.draw import draw
    from .story.chartplan import chart_plan
    from .story.names import Names

    names = Names(wl)
    return [(spec.name, lambda d, spec=spec: draw(spec, bars, asof, d, names))
            for spec in chart_plan(findings, note, wl, asof, present=bars)]


def _check_target(out_dir: Path) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ReportError(f"{out_dir}: exists and is not a folder")
        if any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
            raise ReportError(f"{out_dir}: folder is not empty and holds no previous report; "
                              f"choose a new or empty folder (nothing was written)")


def _swap(tmp: Path, out_dir: Path) -> None:
    """Put ``tmp`` in place of ``out_dir`` (two renames; the old report is restored on error)."""
    if not out_dir.exists():
        os.rename(tmp, out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    os.rmdir(old)
    os.rename(out_dir, old)
    try:
        os.rename(tmp, out_dir)
    except BaseException:
        os.rename(old, out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def render_into(folder: Path, bars: Mapping[str, pd.DataFrame], findings: list[Finding],
                document: dict, watchlist: Watchlist, asof: str) -> ReportResult:
    """Render every file of the report into ``folder`` (no atomicity here)."""
    note = compose_note(findings, watchlist, asof)
    charts, skipped = [], {}
    for name, render in plan_charts(bars, findings, watchlist, asof, note):
        try:
            charts.append(render(folder))
        except (ValueError, KeyError, IndexError, ZeroDivisionError) as e:
            skipped[name] = f"{type(e).__name__}: {e}"
            log.warning("chart %s not drawn: %s", name, e)
    by_section: dict[str, list] = {}
    for c in charts:
        by_section.setdefault(c.section or SECTION_OF.get(c.name, ""), []).append(c)
    _write(folder / "findings.json", json.dumps(document, indent=2) + "\n")
    md = {k: [(c.files["png"], c.title, c.alt) for c in cs] for k, cs in by_section.items()}
    _write(folder / "note.md", note.markdown(md))
    _write(folder / "note.txt", note.text())
    page = environment().get_template("page.html.j2").render(
        note=note, charts=by_section, findings=document.get("findings", []), asof=asof,
        date=numbers.date(asof),
        used=sorted((f.to_dict() for f in note.used), key=lambda d: (d["kind"], d["symbol"])))
    _write(folder / "index.html", page)
    _write(folder / MARKER, "written by tapereader report\n")
    files = sorted(p.name for p in folder.iterdir() if p.name != MARKER)
    return ReportResult(folder, files, note.headline, charts, skipped, note)


def write_report(bars: Mapping[str, pd.DataFrame], findings: list[Finding], document: dict,
                 watchlist: Watchlist, asof: str, out_dir: Path) -> ReportResult:
    """Write the daily note for ``asof`` into ``out_dir`` atomically; see the module docstring.

    ``document`` is the findings JSON dict (``engine.findings_document``); it is written to
    findings.json exactly as ``tapereader findings --format json`` prints it.
    """
    out_dir = Path(out_dir)
    parent = out_dir.absolute().parent
    _check_target(out_dir)
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=parent))
    try:
        res = render_into(tmp, bars, findings, document, watchlist, asof)
        _swap(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    res.out_dir = out_dir
    return res
