"""Writes the customer does not wait for: stored in the background, retried while
the database is unavailable.

"Was this helpful?" and a 1-5 rating are thanked for at once; whether the row is
written now or in a minute changes nothing the customer sees. Written on the
reply's path, one writer holding the database lock would make every "yes, that
helped" wait for it. A write is retried with growing pauses for
`give_up_after`; one still failing then is logged with everything it held, so
an operator can see what was not kept. (A process that dies loses what its queue
held: these are feedback, not tickets.)
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from helpdesk.records import RecordsUnavailable

logger = logging.getLogger(__name__)


@dataclass
class _Write:
    describe: str
    write: Callable[[], None]
    first_tried: float = field(default_factory=time.monotonic)
    attempts: int = 0


class DeferredWrites:
    def __init__(self, give_up_after: float = 600.0, longest_pause: float = 30.0) -> None:
        self.give_up_after = give_up_after
        self.longest_pause = longest_pause
        self._queue: queue.Queue[_Write] = queue.Queue()
        self._thread: Optional[threading.Thread] = None
        self._lock = threading.Lock()

    def submit(self, describe: str, write: Callable[[], None]) -> None:
        """Queues `write` (a call that stores one thing); `describe` is logged if
        it never succeeds."""
        self._queue.put(_Write(describe, write))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="kefu-deferred-writes", daemon=True
                )
                self._thread.start()

    def wait_until_written(self, timeout: float = 30.0) -> bool:
        """For tests and shutdown: True once the queue is empty."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.02)
        return not self._queue.unfinished_tasks

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                self._write_with_retries(item)
            finally:
                self._queue.task_done()

    def _write_with_retries(self, item: _Write) -> None:
        while True:
            item.attempts += 1
            try:
                item.write()
                return
            except RecordsUnavailable as error:
                waited = time.monotonic() - item.first_tried
                if waited >= self.give_up_after:
                    logger.error(
                        "gave up storing %s after %d tries: %s", item.describe, item.attempts, error
                    )
                    return
                time.sleep(min(self.longest_pause, 0.5 * 2 ** min(item.attempts, 10)))
            except Exception:
                logger.exception("could not store %s", item.describe)
                return
