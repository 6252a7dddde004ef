"""Re-running a report into its folder never deletes what the report did not write."""

import pytest

from tapereader.config import default_watchlist
from tapereader.engine import findings_document
from tapereader.report import MARKER, ReportError, write_report, written_by_report
from tests.story.synthetic import ASOF, rally_findings

WL = default_watchlist()


@pytest.mark.realdata
def test_a_file_the_user_added_to_a_report_folder_is_kept(real_bars, tmp_path):
    bars = {s: real_bars(s) for s in ("GSPC", "RUT", "IWM", "QQQ", "SPY")}
    fs = rally_findings()
    doc = findings_document(fs, bars, ASOF)
    out = tmp_path / "out"
    first = write_report(bars, fs, doc, WL, ASOF, out)
    assert written_by_report(out) == set(first.files)  # the manifest lists every file
    assert "index.html" in first.files and MARKER not in first.files
    (out / "my-notes.txt").write_text("mine")
    with pytest.raises(ReportError, match=r"holds files the report did not write "
                                          r"\(my-notes.txt\)"):
        write_report(bars, fs, doc, WL, ASOF, out)
    assert (out / "my-notes.txt").read_text() == "mine"
    assert set(first.files) <= {p.name for p in out.iterdir()}  # the old report is intact
    (out / "my-notes.txt").unlink()
    again = write_report(bars, fs, doc, WL, ASOF, out)  # its own files only: replaced
    assert again.files == first.files
