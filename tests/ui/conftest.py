"""pytest-qt with asyncio on the Qt event loop (qasync), offscreen, in throwaway user dirs.

The pattern: `qloop` makes a `qasync.QEventLoop` the running asyncio loop for one test
without blocking in `run_forever()`; Qt events are processed by pytest-qt's waits
(`qtbot.waitUntil`), and qasync runs asyncio callbacks from those Qt events. So a test
clicks, then waits for a visible result, like a rep would. `arun` drives one
coroutine to its end the same way.

The root conftest points XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_STATE_HOME and
XDG_CACHE_HOME at tmp dirs for every test (autouse); `isolated_ui_dirs` double-checks it
here, since a window touches all four.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio  # noqa: E402
import gc  # noqa: E402
from pathlib import Path  # noqa: E402

import PySide6.QtWidgets  # noqa: E402,F401  (before qasync)
import pytest  # noqa: E402
import qasync  # noqa: E402
import shiboken6  # noqa: E402

ASYNC_TIMEOUT_MS = 15_000


@pytest.fixture(autouse=True, scope="session")
def english_window(qapp, tmp_path_factory):
    """The window speaks English as `transfer-panel` sets it up (app/ui/common/i18n.py): its catalogue
    (the plural forms of counts) and an English locale, whatever the machine's. Compiled into a
    throwaway cache. tests/ui/test_translations.py installs other languages and puts this back."""
    from app.ui.common.i18n import TRANSLATIONS, LanguageChoice, connect_core_words

    cache, old = tmp_path_factory.mktemp("catalogues"), os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(cache)
    try:
        TRANSLATIONS.install(LanguageChoice("en", "default"))
    finally:
        if old is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = old
    connect_core_words()


@pytest.fixture(autouse=True)
def isolated_ui_dirs(isolated_user_dirs, tmp_path):
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        assert Path(os.environ[name]).is_relative_to(tmp_path), f"{name} is not isolated"


@pytest.fixture
def qloop(qapp):
    """A qasync loop set as the running asyncio loop for the test; closed (tasks cancelled) after it."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)  # what run_forever() would do, without blocking here
    try:
        yield loop
    finally:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        deadline = loop.time() + 5
        while any(not task.done() for task in pending) and loop.time() < deadline:
            qapp.processEvents()
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(None)
        loop.close()
        _dispose_qt_parts(loop)


def _dispose_qt_parts(loop) -> None:
    """Delete the closed loop's QObjects here, on the GUI thread, with their timers killed.

    qasync's timer object keeps Qt timers for handles that never fired. If the garbage
    collector later frees it on another thread (any thread can trigger a collection),
    Qt cannot unregister those timers and the next one to fire crashes the process.
    """
    timer = loop._timer
    callbacks = timer._SimpleTimer__callbacks
    for timer_id in list(callbacks):
        timer.killTimer(timer_id)
    callbacks.clear()
    shiboken6.delete(timer)
    shiboken6.delete(loop._QEventLoop__call_soon_signaller)
    gc.collect()  # anything else this test left behind is freed now, on this thread


@pytest.fixture
def arun(qtbot, qloop):
    """`arun(coroutine)`: run it on the test's qasync loop while Qt processes events; its result."""

    def run(coroutine, timeout_ms: int = ASYNC_TIMEOUT_MS):
        task = asyncio.ensure_future(coroutine)
        qtbot.waitUntil(task.done, timeout=timeout_ms)
        return task.result()

    return run


@pytest.fixture
def journal_path(tmp_path) -> Path:
    return tmp_path / "journal" / "transfers.sqlite3"


@pytest.fixture
def demo_services(arun, journal_path):
    """Demo mode as the panel builds it: embedded simulator over real HTTP, demo directory, a call."""
    from app.compose import open_demo_services

    services = arun(open_demo_services(journal_path=journal_path, timeout_s=5.0))
    yield services
    services.demo.close()  # idempotent: the window's shutdown normally did it already


@pytest.fixture
def open_panel(qtbot, arun, tmp_path):
    """`open_panel(services)`: the window attached to them, shown and active; shut down after the test.

    Not registered with qtbot.addWidget: pytest-qt would close the window before this
    fixture's teardown, and closing starts the window's own async shutdown.
    """
    from app.ui.shell.window import PanelWindow

    windows = []

    def open_(services, config_path: Path | None = None):
        window = PanelWindow(config_path=config_path or tmp_path / "config" / "config.toml")
        windows.append(window)
        window.session.attach(services)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()  # window shortcuts (Ctrl+K, Ctrl+Enter) need the active window
        qtbot.waitUntil(lambda: window.isActiveWindow() and window.setup_finished)
        return window

    yield open_
    for window in windows:
        arun(window.shutdown())
        window.close()
        window.deleteLater()


@pytest.fixture
def panel(open_panel, demo_services):
    """The window in demo mode, shown and active."""
    return open_panel(demo_services)
