"""A second real SMTP server for the mail tests, one that holds every message at DATA until the
test opens its gate: what a slow or hanging mail server looks like to the app."""

from __future__ import annotations

import asyncio
import threading

import pytest
from aiosmtpd.controller import Controller

from app.extensions import db
from app.mail.services import background_sender
from tests.conftest import Mailbox, free_port


class GatedMailbox(Mailbox):
    def __init__(self):
        super().__init__()
        self.gate = threading.Event()
        self.connections = 0
        self.held = threading.Event()  # set once a message waits at the gate

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.held.set()
        await asyncio.get_running_loop().run_in_executor(None, self.gate.wait)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def gated_smtp():
    mailbox = GatedMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    mailbox.gate.set()  # let the held sessions end before the server stops
    controller.stop()


def gated_config(base_config: dict, gated_smtp) -> dict:
    """For a module's `app_config`: mail goes to the gated server."""
    # A held message must not hit the client's socket timeout while the test looks on.
    return {**base_config, "MAIL_PORT": gated_smtp.port, "MAIL_TIMEOUT": 30}


@pytest.fixture
def gated(gated_smtp) -> GatedMailbox:
    return gated_smtp.handler


@pytest.fixture
def settled(app):
    """settled() waits until the background sender has dealt with everything given to it."""

    def wait(timeout: float = 30.0) -> None:
        assert background_sender().wait_until_idle(timeout), "the background sender is stuck"
        db.session.expire_all()

    yield wait
    wait()  # never leave the sender at work on the next test's rows
