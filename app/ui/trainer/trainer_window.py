"""Trainer mode (demo only): what the next transfers meet, class plans, presenter view, inspector.

The trainer window edits a `ClassPlan` and applies it to the embedded simulator at once,
so the panel then takes exactly the path it would in production. Non-modal: a trainer
keeps it open beside the panel (or on the other screen) during a class. It behaves like a
dialog all the same: it opens fully on the screen, Esc and Ctrl+W close it, and Ctrl+I opens
the request inspector from it as from the panel.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import ConfigError, PanelError
from app.core.ids import ROUTING_TARGET_KINDS
from app.messages import Front, describe
from app.simulator.scenarios import SCENARIOS, ClassPlan, Scenario, load_plan, save_plan
from app.ui.common import a11y
from app.ui.common.i18n import QT_TRANSLATE_NOOP
from app.ui.common.keys import INSPECTOR
from app.ui.common.tasks import spawn
from app.ui.common.windows import close_keys, open_on_screen

_PLAN_FILTER = QT_TRANSLATE_NOOP("TrainerWindow", "Class plans (*.toml)")


def _said(scenario: Scenario) -> tuple[str, str]:
    """A scenario's title and what the rep sees, in the window's language."""
    return scenario.said(lambda text: QCoreApplication.translate("Scenarios", text))


def _scenario_box(parent: QWidget) -> QComboBox:
    box = QComboBox(parent)
    for scenario in SCENARIOS.values():
        title, rep_sees = _said(scenario)
        box.addItem(title, scenario.key)
        box.setItemData(box.count() - 1, QCoreApplication.translate("TrainerWindow", "The rep sees {what}").format(
            what=rep_sees), Qt.ItemDataRole.ToolTipRole)
    return box


class TrainerWindow(QWidget):
    sig_presenter_toggled = Signal(bool)
    sig_inspector_requested = Signal()

    def __init__(self, simulator: Any, current_target: Callable[[], Any], parent: QWidget | None = None) -> None:
        """`current_target()`: the TargetView in the panel's transfer form, or None."""
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(self.tr("Trainer"))
        self.simulator = simulator
        self._current_target = current_target
        self.plan = ClassPlan()

        self.every_target = _scenario_box(self)
        self.every_hint = QLabel(self)
        self.every_hint.setObjectName("muted")
        self.every_hint.setWordWrap(True)
        self.rules = QListWidget(self)
        self.rule_scenario = _scenario_box(self)
        self.add_rule_button = QPushButton(self.tr("Set for the selected target"), self)
        self.add_rule_button.setToolTip(self.tr("The target in the panel's transfer form meets this scenario instead"))
        self.remove_rule_button = QPushButton(self.tr("Remove"), self)
        self.load_button = QPushButton(self.tr("Load plan…"), self)
        self.save_button = QPushButton(self.tr("Save plan…"), self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.presenter = QCheckBox(self.tr("Presenter view (large text for a projector)"), self)
        self.inspector_button = QPushButton(self.tr("Request inspector…"), self)
        self.inspector_button.setToolTip(self.tr("What each transfer sent and got back (Ctrl+I)"))
        # The lists and combo boxes are named by their labels (buddies), the labels speak their text.
        for widget, text in ((self.add_rule_button, self.tr("Set the scenario for the selected target")),
                             (self.remove_rule_button, self.tr("Remove the selected target's scenario")),
                             (self.load_button, self.tr("Load a class plan")),
                             (self.save_button, self.tr("Save the class plan")),
                             (self.inspector_button, self.tr("Open the request inspector"))):
            a11y.name(widget, text)

        every_title = QLabel(self.tr("&Every transfer meets"), self)
        every_title.setObjectName("fieldLabel")
        every_title.setBuddy(self.every_target)
        rules_title = QLabel(self.tr("Except these &targets"), self)
        rules_title.setObjectName("fieldLabel")
        rules_title.setBuddy(self.rules)
        rule_title = QLabel(self.tr("&Scenario for the target in the panel's form"), self)
        rule_title.setBuddy(self.rule_scenario)
        rule_row = QHBoxLayout()  # under the scenario: longer languages need the width
        rule_row.addWidget(self.add_rule_button)
        rule_row.addWidget(self.remove_rule_button)
        rule_row.addStretch(1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.load_button)
        file_row.addWidget(self.save_button)
        file_row.addStretch(1)
        file_row.addWidget(self.inspector_button)
        layout = QVBoxLayout(self)
        layout.addWidget(every_title)
        layout.addWidget(self.every_target)
        layout.addWidget(self.every_hint)
        layout.addSpacing(6)
        layout.addWidget(rules_title)
        layout.addWidget(self.rules, 1)
        layout.addWidget(rule_title)
        layout.addWidget(self.rule_scenario)
        layout.addLayout(rule_row)
        layout.addSpacing(6)
        layout.addLayout(file_row)
        layout.addWidget(self.presenter)
        layout.addWidget(self.status)
        self.resize(520, 460)
        for first, second in ((self.save_button, self.inspector_button), (self.inspector_button, self.presenter)):
            QWidget.setTabOrder(first, second)  # the order they are seen in: the inspector sits beside Save

        self.every_target.currentIndexChanged.connect(self._every_target_chosen)
        self.add_rule_button.clicked.connect(self.set_rule_for_selected_target)
        self.remove_rule_button.clicked.connect(self.remove_selected_rule)
        self.load_button.clicked.connect(lambda: self._choose_file(save=False))
        self.save_button.clicked.connect(lambda: self._choose_file(save=True))
        self.presenter.toggled.connect(self.sig_presenter_toggled)
        self.inspector_button.clicked.connect(self.sig_inspector_requested)
        close_keys(self)
        for sequence in INSPECTOR:
            QShortcut(QKeySequence(sequence), self).activated.connect(self.sig_inspector_requested)
        self._show_plan()

    def open(self) -> None:
        open_on_screen(self, self.parentWidget())

    # ---- the plan -----------------------------------------------------------------------
    def set_plan(self, plan: ClassPlan, message: str = "") -> None:
        """Use `plan` for the next transfers (the simulator is scripted at once)."""
        plan.apply(self.simulator)
        self.plan = plan
        self._show_plan()
        self.status.setText(message or self.tr("Applied: the next transfers meet this plan."))

    def _every_target_chosen(self) -> None:
        if self.every_target.currentData() != self.plan.every_target:  # chosen, not shown by _show_plan
            self.set_plan(ClassPlan(self.every_target.currentData(), self.plan.targets))

    def set_rule_for_selected_target(self) -> None:
        target = self._current_target()
        if target is None or target.kind not in ROUTING_TARGET_KINDS:
            self.status.setText(self.tr("Pick a target in the panel first; it then meets the scenario chosen here."))
            return
        try:
            plan = self.plan.with_rule(target.target_id, self.rule_scenario.currentData(), target.name)
        except PanelError as error:  # not a routing target, or a scenario that does not fit it
            self.status.setText(describe(error, Front.WINDOW))
            return
        self.set_plan(plan)

    def remove_selected_rule(self) -> None:
        item = self.rules.currentItem()
        if item is not None:
            self.set_plan(self.plan.without_rule(item.data(Qt.ItemDataRole.UserRole)))

    def _show_plan(self) -> None:
        every = SCENARIOS[self.plan.every_target]
        self.every_target.setCurrentIndex(self.every_target.findData(every.key))
        self.every_hint.setText(self.tr("The rep sees {what}.").format(what=_said(every)[1]))
        self.rules.clear()
        for rule in self.plan.targets:
            title, rep_sees = _said(SCENARIOS[rule.scenario])
            item = QListWidgetItem(f"{rule.label or rule.target_id} — {title}")
            item.setData(Qt.ItemDataRole.UserRole, rule.target_id)
            item.setToolTip(self.tr("{target}: the rep sees {what}").format(target=rule.target_id, what=rep_sees))
            self.rules.addItem(item)
        self.remove_rule_button.setEnabled(bool(self.plan.targets))

    # ---- plan files ---------------------------------------------------------------------
    def _choose_file(self, save: bool) -> None:
        title = self.tr("Save the class plan") if save else self.tr("Load a class plan")
        dialog = QFileDialog(self, title, str(Path.home() / "class-plan.toml"), self.tr(_PLAN_FILTER))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if save:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("toml")
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(
            lambda path: spawn(self.save_to(Path(path)) if save else self.load_from(Path(path))))
        dialog.open()  # never exec() inside the event loop

    async def load_from(self, path: Path) -> bool:
        try:
            plan = await asyncio.get_running_loop().run_in_executor(None, load_plan, path)
        except ConfigError as error:
            if shiboken6.isValid(self):
                self.status.setText(self.tr("{error}\nThe plan in use is unchanged.").format(
                    error=describe(error, Front.WINDOW)))
            return False
        if not shiboken6.isValid(self):
            return False  # the demo ended while the file was read: its simulator is gone
        self.set_plan(plan, self.tr("Loaded {file}: the next transfers meet this plan.").format(file=path.name))
        return True

    async def save_to(self, path: Path) -> bool:
        try:
            await asyncio.get_running_loop().run_in_executor(None, save_plan, self.plan, path)
        except ConfigError as error:
            if shiboken6.isValid(self):
                self.status.setText(describe(error, Front.WINDOW))
            return False
        if shiboken6.isValid(self):
            self.status.setText(self.tr("Saved to {path}. Load it next class, or give it to `transfer-panel "
                                        "simulator --plan`.").format(path=path))
        return True
