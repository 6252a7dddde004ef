"""Universe scans: the single-symbol engine over a folder, on local processes or Dask."""

from .output import check_out, write_scan
from .runner import ScanError, ScanResult, run_scan
from .summary import print_summary

__all__ = ["ScanError", "ScanResult", "check_out", "print_summary", "run_scan", "write_scan"]
