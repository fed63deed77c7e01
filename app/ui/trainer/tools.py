"""The trainer's windows (demo mode) and the presenter view, for one panel window.

Light on purpose: the window holds one from its first paint, while the windows it opens
(and the simulator code they use) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.ui.shell.window import PanelWindow


class TrainerTools:
    """One panel window's trainer windows and presenter view, for the demo simulator in use."""

    def __init__(self, window: PanelWindow) -> None:
        self._window = window
        self._simulator = None
        self.trainer = None  # app.ui.trainer.trainer_window.TrainerWindow, built on first use
        self.inspector = None  # app.ui.trainer.inspector.InspectorWindow, built on first use
        self._normal_width = 0  # the window's width before the presenter view widened it

    def set_simulator(self, simulator: Any) -> None:
        """The demo simulator of the services attached (None: not in demo mode; the windows close)."""
        if simulator is self._simulator:
            return
        self._simulator = simulator
        self.set_presenter(False)  # nothing could turn it off once the trainer window is gone
        for old in (self.trainer, self.inspector):
            if old is not None:
                if old is self.inspector:
                    old.stop_listening()
                old.close()
                old.deleteLater()
        self.trainer = self.inspector = None

    def open_trainer(self) -> None:
        from app.ui.trainer.trainer_window import TrainerWindow

        if self._simulator is None:
            return
        if self.trainer is None:
            self.trainer = TrainerWindow(self._simulator, self._window.form.target, self._window)
            self.trainer.sig_presenter_toggled.connect(self.set_presenter)
            self.trainer.sig_inspector_requested.connect(self.open_inspector)
        self.trainer.open()

    def open_inspector(self) -> None:
        from app.ui.trainer.inspector import InspectorWindow

        if self._simulator is None:
            return
        if self.inspector is None:
            self.inspector = InspectorWindow(self._simulator, self._window)
        self.inspector.open()

    def set_presenter(self, on: bool) -> None:
        """Large text everywhere (and a wider window, within the screen) for a projector; off: back to normal."""
        from PySide6.QtCore import QSize

        from app.ui.common.style import PRESENTER_SCALE, set_text_scale, text_scale
        from app.ui.common.windows import fit_on_screen

        if self.trainer is not None and self.trainer.presenter.isChecked() != on:
            self.trainer.presenter.setChecked(on)  # its signal calls this again
            return
        if (text_scale() != 1.0) == on:
            return
        window = self._window
        if on:
            self._normal_width = window.width()
        set_text_scale(PRESENTER_SCALE if on else 1.0)
        window.restyle()
        width = round(self._normal_width * PRESENTER_SCALE) if on else self._normal_width
        fit_on_screen(window, QSize(width, window.height()))  # as wide as the screen allows
