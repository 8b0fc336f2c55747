"""Start the teaching app on a local web server, with every front-end file served from the
installed packages (solara-assets), so it works with no internet connection."""

from __future__ import annotations

import gc
import ipaddress
import os
import socket
import threading
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from relsim.heap import release_free_memory

APP = "relsim.viz.app:Page"


class ServerError(RuntimeError):
    """The app cannot be started (the viz extra is not installed)."""


class AddressError(ServerError):
    """The address asked for cannot be listened on (a host that does not resolve or is not
    this machine's, a port in use or not allowed): bad input, as a wrong path would be."""


def check_installed() -> None:
    try:
        import solara  # noqa: F401
        import solara_assets  # noqa: F401
    except ImportError:
        raise ServerError(
            "the browser app needs the viz extra: pip install 'relsim[viz]'"
        ) from None


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise AddressError(f"--host {host}: cannot resolve ({exc.strerror})") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise AddressError(f"cannot listen on {host}:{port} ({exc.strerror})") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The address to open: on every address of the machine (0.0.0.0, ::), the machine's name,
    which others can open, rather than an address that is not one."""
    host, port = sock.getsockname()[:2]
    if ipaddress.ip_address(host.split("%")[0]).is_unspecified:
        return f"http://{socket.gethostname()}:{port}/ (on every address of this machine)"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


#: how long a disconnected tab's districts are kept for it to come back to: Solara's default
#: is a day, for every tab of a class that lost its connection
SESSION_KEPT = "10m"


def configure(settings: Any) -> None:
    """Solara's settings for a classroom: no calls home, no banner, closed tabs freed."""
    settings.telemetry.mixpanel_enable = False
    settings.main.mode = "production"
    # Solara's "runs on Solara" line is fixed over the bottom right of the page, where on a
    # 1280x720 projector it covers chart labels and the events of a journey.
    settings.theme.show_banner = False
    settings.kernel.cull_timeout = SESSION_KEPT


def free_closed_tabs(contexts: Mapping[str, Any], every: float, stop: threading.Event) -> None:
    """Until `stop`, free what closed tabs held: a tab's districts and their agents refer to
    each other, so only a full collection frees them, which Python runs seldom in a server, and
    glibc keeps what is freed unless told to give it back. A tab is collected one round after
    its kernel left `contexts` (Solara's), so that the threads that closed it have let go."""
    known: set[str] = set()
    due = False
    while not stop.wait(every):
        if due:
            gc.collect()
            release_free_memory()
        now = set(dict(contexts))  # a copy made at once: the server adds and removes tabs
        due = bool(known - now)
        known = now


def serve(scenario: Path, host: str, port: int, announce: Callable[[str], None]) -> None:
    """Serve the app for `scenario` until interrupted; `announce` gets the address once the
    socket is listening."""
    check_installed()
    sock = bind(host, port)
    os.environ["RELSIM_VIZ_SCENARIO"] = str(Path(scenario).resolve())
    os.environ["SOLARA_APP"] = APP
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # no calls home
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = host, str(sock.getsockname()[1])
    import uvicorn
    from solara.server import settings

    # Served over plain http, Solara warns on every page that an embedding cookie cannot be
    # set (it falls back to one that works here): nothing a teacher can act on.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    configure(settings)
    from solara.server import kernel_context

    # started here, outside every tab's kernel: a thread started in one keeps it alive
    threading.Thread(
        target=free_closed_tabs,
        args=(kernel_context.contexts, 2.0, threading.Event()),
        daemon=True,
    ).start()
    config = uvicorn.Config("solara.server.starlette:app", log_level="warning")
    announce(url_of(sock))
    uvicorn.Server(config).run(sockets=[sock])
