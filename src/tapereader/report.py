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
import sys
import tempfile
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .charts.png import png_size
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

    def render(spec: Any) -> Callable[[Path], Any]:
        return lambda d: draw(spec, bars, asof, d, names)

    return [(spec.name, render(spec)) for spec in chart_plan(findings, note, wl, asof,
                                                              present=bars)]


_OLD_REPORT_SUFFIXES = (".html", ".md", ".txt", ".json", ".png", ".svg")


def written_by_report(out_dir: Path) -> set[str] | None:
    """The names the report in ``out_dir`` wrote (its manifest, the marker file), None when
    the folder holds no report. A marker without a manifest (older reports) stands for the
    report's own kinds of files."""
    marker = out_dir / MARKER
    if not marker.is_file():
        return None
    lines = marker.read_text(encoding="utf-8").splitlines()
    names = {x for x in lines[1:] if x.strip()}
    if names:
        return names
    return {p.name for p in out_dir.iterdir() if p.is_file()
            and p.suffix.lower() in _OLD_REPORT_SUFFIXES}


def _check_target(out_dir: Path) -> None:
    """Refuse (before writing anything) a target that is not a folder, or a folder holding
    anything the previous report did not write: replacing the report never deletes it."""
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ReportError(f"{out_dir}: exists and is not a folder")
        present = {p.name for p in out_dir.iterdir()} - {MARKER}
        if not present:
            return
        ours = written_by_report(out_dir)
        if ours is None:
            raise ReportError(f"{out_dir}: folder is not empty and holds no previous report; "
                              f"choose a new or empty folder (nothing was written)")
        foreign = sorted(present - ours)
        if foreign:
            shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
            raise ReportError(f"{out_dir}: holds files the report did not write ({shown}); "
                              f"move them or choose another folder (nothing was written "
                              f"or deleted)")


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


def _png_size(path: Path) -> tuple[int, int]:
    """The drawn PNG's pixel size, for the page's ``<img width height>``."""
    with open(path, "rb") as f:
        size = png_size(f.read(24))
    if size is None:
        raise ValueError(f"{path}: not a PNG file")
    return size


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
        date=numbers.date(asof), sizes={c.name: _png_size(folder / c.files["png"])
                                        for c in charts},
        used=sorted((f.to_dict() for f in note.used), key=lambda d: (d["kind"], d["symbol"])))
    _write(folder / "index.html", page)
    files = sorted(p.name for p in folder.iterdir() if p.name != MARKER)
    _write(folder / MARKER, "written by tapereader report; its files:\n"
           + "".join(f"{n}\n" for n in files))
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


class _CallableModule(types.ModuleType):
    """``tapereader.report(frames, out_dir, asof=...)`` is :func:`tapereader.api.report`:
    the package's public verb and this module share the name ``report``."""

    def __call__(self, *args: Any, **kwargs: Any) -> ReportResult:
        from .api import report

        return report(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
