"""With ``USE_SSL`` MiniStack also listens on port 443 whenever it can bind it.

MiniStack 1.5.33, ``ministack.app.main`` adds a second listener on ``:443`` when
``ministack.app._port_is_bindable(host, 443)`` says it can (as root it can). The harness runs one
instance per engineer or test session on a free port of its own, so it answers ``False``: one
instance, one port. Installed only in HTTPS mode (``emulator.launcher.__main__``).
"""

from __future__ import annotations

import inspect
import socket

from ..wrap import note


def install() -> None:
    from ministack import app

    app._port_is_bindable = lambda host, port: False
    note("app._port_is_bindable: no extra listener on 443 in HTTPS mode")


def still_needed() -> bool:
    """Does ``app.main`` still add :443, and does ``_port_is_bindable`` say yes for a port nobody holds?"""
    from ministack import app

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    adds_443 = "_port_is_bindable(bind_host, 443)" in inspect.getsource(app.main)
    return adds_443 and bool(app._port_is_bindable("127.0.0.1", port))
