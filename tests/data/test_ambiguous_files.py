"""Files that used to be read silently wrong or reported with the wrong cause."""

from __future__ import annotations

import re

import pytest

from tapereader.data.errors import DataError
from tapereader.data.readers import list_symbols, read_bars, read_folder

ROW = "2013-07-08,1,2,0.5,1.5,100\n"


def test_two_close_columns_are_an_error_not_a_choice(tmp_path):
    p = tmp_path / "DUP.csv"
    p.write_text("date,open,high,low,close,close,volume\n2013-07-08,1,2,0.5,1.5,1.6,100\n")
    with pytest.raises(DataError, match=r"DUP.csv, header: columns 5 \('close'\) and 6 "
                                        r"\('close'\) both mean close"):
        read_bars(p)
    p.write_text("Date,Open,High,Low,Close,Last,Volume\n2013-07-08,1,2,0.5,1.5,1.6,100\n")
    with pytest.raises(DataError, match=r"\('Close'\) and 6 \('Last'\) both mean close"):
        read_bars(p)


@pytest.mark.parametrize("body,cause", [
    ("Date;Open;High;Low;Close;Volume\n2013-07-08;1,5;2,5;0,5;1,5;100\n",
     "separated by semicolons, not commas (with decimal commas)"),
    ("Date;Open;High;Low;Close;Volume\n2013-07-08;1.5;2.5;0.5;1.5;100\n",
     "separated by semicolons, not commas: export"),
])
def test_semicolon_files_name_the_separator(tmp_path, body, cause):
    p = tmp_path / "SEMI.csv"
    p.write_text(body)
    with pytest.raises(DataError, match=re.escape(cause)):
        read_bars(p)


def test_a_dangling_link_and_a_folder_named_csv_are_named(tmp_path):
    (tmp_path / "OK.csv").write_text("date,open,high,low,close,volume\n" + ROW)
    (tmp_path / "LINK.csv").symlink_to(tmp_path / "gone.csv")
    (tmp_path / "DIR.csv").mkdir()
    assert list_symbols(tmp_path) == ["DIR", "LINK", "OK"]
    res = read_folder(tmp_path)
    assert list(res.bars) == ["OK"]
    assert "dangling symbolic link (to" in str(res.errors["LINK"])
    assert "gone.csv, which does not exist" in str(res.errors["LINK"])
    assert str(res.errors["DIR"]).endswith("DIR.csv: is a folder, not a file")
    one = read_folder(tmp_path, ["LINK"])  # asked by name: the cause, not "no file"
    assert "dangling symbolic link" in str(one.errors["LINK"])


def test_the_scan_reports_them_too(tmp_path):
    from tapereader.scan.runner import symbol_files

    (tmp_path / "LINK.csv").symlink_to(tmp_path / "gone.csv")
    (tmp_path / "DIR.csv").mkdir()
    paths, _ = symbol_files(tmp_path)
    assert sorted(p.name for p in paths) == ["DIR.csv", "LINK.csv"]
