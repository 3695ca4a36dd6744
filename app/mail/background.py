"""The in-process background sender: one daemon thread per process that delivers committed
outbox messages after the request that queued them has answered (`MAIL_DELIVERY=immediate`).

It only makes delivery prompt; the outbox table stays the truth. It is handed ids of messages
that are already committed and pending, and claims each before sending it, like any other
sender. Whatever it has not delivered — SMTP down, the process stopped, its queue lost — is
still pending in the database, and `flask --app wsgi outbox send` delivers it."""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
import weakref
from collections.abc import Callable

from flask import Flask

log = logging.getLogger(__name__)

IDLE_SECONDS = 60.0  # an idle thread ends; the next batch starts a new one
EXIT_GRACE_SECONDS = 15.0  # at exit: finish the message in hand, leave the rest pending

_senders: weakref.WeakSet[BackgroundSender] = weakref.WeakSet()


class BackgroundSender:
    """A queue of id batches and the one thread that delivers them, in its own app context
    and so with its own database connections (never a request's)."""

    def __init__(self, app: Flask, deliver: Callable[..., object]):
        self._app = app
        self._deliver = deliver
        self._start_afresh()
        _senders.add(self)

    def _start_afresh(self) -> None:
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._queue: queue.SimpleQueue[list[int] | None] = queue.SimpleQueue()
        self._unfinished = 0  # batches submitted and not yet done with
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def submit(self, ids: list[int]) -> None:
        """Deliver these committed messages soon, in the background; returns at once."""
        with self._lock:
            if self._stopping.is_set():
                return  # the process is exiting: they stay pending for `outbox send`
            if self._thread is None:
                thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
                thread.start()  # if this fails (interpreter shutdown), dispatch logs it
                self._thread = thread
            self._unfinished += 1
            self._queue.put(list(ids))

    def _run(self) -> None:
        while True:
            try:
                batch = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():  # submit() holds the lock: nothing slips in
                        self._thread = None
                        return
                continue
            if batch is None:  # stop() wakes us up
                self._abandon_waiting()
                return
            batches = [batch, *self._take_waiting()]
            try:
                with self._app.app_context():
                    # One SMTP connection for everything that has piled up meanwhile.
                    self._deliver([i for ids in batches for i in ids], stop=self._stopping)
            except Exception:  # noqa: BLE001 - never let the thread die; the mail stays pending
                log.exception("The background sender failed; the messages stay pending")
            finally:
                with self._lock:
                    self._unfinished -= len(batches)
                    self._idle.notify_all()
            if self._stopping.is_set():
                self._abandon_waiting()
                return

    def _take_waiting(self) -> list[list[int]]:
        batches = []
        while True:
            try:
                batch = self._queue.get_nowait()
            except queue.Empty:
                return batches
            if batch is None:
                self._queue.put(None)  # keep the wake-up for the loop
                return batches
            batches.append(batch)

    def _abandon_waiting(self) -> None:
        """On stop: what is still queued is left to `outbox send` (it is pending already)."""
        with self._lock:
            while not self._queue.empty():
                if self._queue.get_nowait() is not None:
                    self._unfinished -= 1
            self._idle.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        """True once everything submitted has been dealt with (delivered or left pending)."""
        with self._lock:
            return self._idle.wait_for(lambda: self._unfinished == 0, timeout)

    def stop(self, timeout: float = EXIT_GRACE_SECONDS) -> None:
        """Take nothing new, finish the message in hand, and leave the rest pending."""
        with self._lock:
            self._stopping.set()
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout)


def _start_afresh_after_fork() -> None:
    # A forked child (gunicorn --preload) has none of its parent's threads, and a lock the
    # parent held at the fork would never be released.
    for sender in list(_senders):
        sender._start_afresh()


os.register_at_fork(after_in_child=_start_afresh_after_fork)


@atexit.register
def _stop_all() -> None:
    # Runs when a gunicorn worker exits normally, before daemon threads are cut off: a message
    # half sent would otherwise wait out its claim (SENDING_LEASE) and could go out twice.
    deadline = time.monotonic() + EXIT_GRACE_SECONDS
    for sender in list(_senders):
        sender.stop(timeout=max(deadline - time.monotonic(), 0.1))
