"""``python -m tapereader.web.delivery [--concurrency N]``: the long-running worker without
the CLI's imports (what ``tapereader worker`` runs; the kill test starts it this way)."""

from __future__ import annotations

import argparse
import os
import signal
import threading


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tapereader.web.delivery")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--channels", default="email,sms")
    parser.add_argument("--until-empty", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tapereader.web.settings")
    import django

    django.setup()
    from .runner import parse_channels
    from .worker import WorkerConfig, run_workers

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    run_workers(args.concurrency, WorkerConfig(channels=parse_channels(args.channels)),
                until_empty=args.until_empty, stop=stop)


if __name__ == "__main__":
    main()
