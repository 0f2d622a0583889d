"""Ending a child process with its parent, however the parent ends.

``ticketing serve`` and ``ticketing demo`` start a deadline worker beside the
web app; killed with SIGKILL, the parent cannot stop it, and an orphaned worker
would keep sweeping and heart-beating next to the one a restart brings. On
Linux the kernel sends the child SIGTERM when its parent dies
(``prctl(PR_SET_PDEATHSIG)``); everywhere, a watchdog thread notices that the
parent's pid changed (an orphan is re-parented) and stops the process.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_INTERVAL = 1.0
"""Seconds between the watchdog's looks at the parent pid."""
EXIT_GRACE = 10.0
"""Seconds an orphaned worker gives its running jobs before it exits regardless."""

log = logging.getLogger("ticketing.worker")


def follow_parent(parent: int, stop: threading.Event, interval: float = WATCH_INTERVAL) -> None:
    """Set ``stop`` once the process ``parent`` is no longer this process's parent.

    Install the SIGTERM handler first: on Linux the parent's death arrives as SIGTERM.
    """
    _ask_for_sigterm_on_parent_death()
    if os.getppid() != parent:  # it died before the kernel was asked: nobody will tell us
        _parent_gone(parent, stop)
        return

    def watch() -> None:  # on after a SIGTERM too: that may be the parent's death, and its stop may hang
        while os.getppid() == parent:
            time.sleep(interval)
        _parent_gone(parent, stop)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _parent_gone(parent: int, stop: threading.Event) -> None:
    """Stop gracefully, and for certain after ``EXIT_GRACE`` seconds: an orphan must not outlive a stuck job.

    Leaving mid-sweep is safe: every sweep batch is one transaction, and its claims are taken again by the next worker.
    """
    log.warning("parent process %d has ended: stopping", parent)
    stop.set()
    deadline = threading.Timer(EXIT_GRACE, os._exit, args=(0,))
    deadline.daemon = True  # a worker that stops in time exits at once
    deadline.start()


def _ask_for_sigterm_on_parent_death() -> None:
    """Linux only; elsewhere the watchdog alone notices."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        log.warning("prctl(PR_SET_PDEATHSIG) failed (errno %d): the watchdog alone will notice", ctypes.get_errno())
