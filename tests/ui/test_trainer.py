"""Trainer mode in the panel: scenarios over real HTTP, class plans, the inspector, presenter view, callers."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.simulator.scenarios import SCENARIOS, load_plan
from app.ui.common.style import style_sheet
from app.ui.shell.window import WINDOW_WIDTH
from tests.ui.panel_helpers import first_target, pick, wait_idle, wait_outcome

# What the rep reads in the panel for each scenario (the production paths of DOMAIN.md's table).
PANEL_SAYS = {
    "success": "Routing requested to",
    "rejected": "The routing target is not available for voice calls.",
    "credentials": "The token has expired or its signature does not match",
    "throttled": "30 s",
    "server-error": "An unexpected error occurred",
    "slow": "Routing requested to",
    "dropped": "Outcome unknown",
}


def next_tab_stop(widget):
    """Where Tab goes from `widget`: the next widget in the focus chain that takes focus by Tab."""
    following = widget.nextInFocusChain()
    while not following.focusPolicy() & Qt.FocusPolicy.TabFocus:
        following = following.nextInFocusChain()
    return following


def open_trainer(qtbot, panel):
    assert panel.trainer_button.isVisible()
    qtbot.mouseClick(panel.trainer_button, Qt.MouseButton.LeftButton)
    trainer = panel.trainer_tools.trainer
    assert trainer.isVisible() and not trainer.isModal()
    return trainer


def choose_for_every_target(trainer, scenario: str) -> None:
    trainer.every_target.setCurrentIndex(trainer.every_target.findData(scenario))


@pytest.mark.parametrize("scenario", sorted(PANEL_SAYS))
def test_each_scenario_takes_the_production_path_in_the_panel(qtbot, panel, demo_services, scenario):
    trainer = open_trainer(qtbot, panel)
    choose_for_every_target(trainer, scenario)
    assert SCENARIOS[scenario].said()[1] in trainer.every_hint.text()
    queue = first_target(demo_services, "queue")
    pick(qtbot, panel, queue)
    panel.form.trigger()
    if scenario == "slow":
        qtbot.waitUntil(panel.controller.busy)
        assert not panel.form.can_transfer()  # in flight: no second send
    text = wait_outcome(qtbot, panel, PANEL_SAYS[scenario])
    if scenario in ("success", "slow"):
        assert text.startswith(f"Routing requested to {queue.name}")
    assert demo_services.journal.recent(1)[0].target_id == queue.target_id  # every path has its row


def test_a_failing_flow_uses_the_fallback_queue_and_the_inspector_shows_it(qtbot, panel, demo_services):
    trainer = open_trainer(qtbot, panel)
    flow, queue = first_target(demo_services, "flow"), first_target(demo_services, "queue")
    pick(qtbot, panel, flow)
    trainer.rule_scenario.setCurrentIndex(trainer.rule_scenario.findData("flow-fails"))
    trainer.add_rule_button.click()
    assert trainer.rules.count() == 1 and flow.name in trainer.rules.item(0).text()
    panel.form.fallback.setCurrentIndex(panel.form.fallback.findData(queue.target_id))
    panel.form.trigger()
    wait_outcome(qtbot, panel, f"Routing requested to {flow.name}")

    trainer.inspector_button.click()
    inspector = panel.trainer_tools.inspector
    assert inspector.isVisible() and inspector.request_list.rowCount() == 1
    page = inspector.details.toPlainText()
    assert f"the flow failed; the call went to the fallback queue {queue.target_id}" in page
    assert "Trainer scenario: Flow fails (fallback queue)" in page


def test_the_inspector_follows_transfers_live_and_never_shows_the_token(qtbot, panel, demo_services):
    panel.trainer_tools.open_inspector()
    inspector = panel.trainer_tools.inspector
    agent = first_target(demo_services, "agent")
    pick(qtbot, panel, agent)
    panel.form.trigger()
    wait_idle(qtbot, panel)
    qtbot.waitUntil(lambda: inspector.request_list.rowCount() == 1)
    page = inspector.details.toPlainText()
    call_id = panel.call_panel.text()
    assert page.startswith(f"POST {demo_services.demo.simulator.base_url}/voiceCalls/{call_id}/routeVoiceCall")
    assert "Authorization: Bearer <redacted>" in page and "eyJ" not in page
    assert f'"routingTarget": "{agent.target_id}"' in page and "Answer: 200 OK" in page
    assert f"jti: {demo_services.journal.recent(1)[0].jti}" in page  # matches the journal row
    assert "iss: 00D5g00000DEMO1" in page and "(org ID)" in page


def test_a_plan_is_saved_loaded_and_applied(qtbot, panel, demo_services, arun, tmp_path):
    trainer = open_trainer(qtbot, panel)
    agent = first_target(demo_services, "agent")
    choose_for_every_target(trainer, "slow")
    pick(qtbot, panel, agent)
    trainer.rule_scenario.setCurrentIndex(trainer.rule_scenario.findData("rejected"))
    trainer.add_rule_button.click()
    path = tmp_path / "monday.toml"
    assert arun(trainer.save_to(path))
    assert load_plan(path) == trainer.plan and agent.name in path.read_text(encoding="utf-8")

    choose_for_every_target(trainer, "success")
    trainer.rules.setCurrentRow(0)
    trainer.remove_rule_button.click()
    assert trainer.rules.count() == 0
    assert arun(trainer.load_from(path))
    assert trainer.every_target.currentData() == "slow" and trainer.rules.count() == 1
    panel.form.trigger()  # the agent is still in the form: its rule applies again
    wait_outcome(qtbot, panel, "The routing target is not available for voice calls.")

    path.write_text('every_target = "chaos"\n')
    assert not arun(trainer.load_from(path))
    assert "Unknown scenario 'chaos'" in trainer.status.text() and "unchanged" in trainer.status.text()
    assert trainer.every_target.currentData() == "slow"


def test_presenter_view_makes_text_larger_and_back(qtbot, panel):
    normal_point_size = QApplication.font().pointSizeF()
    normal_row = panel.directory.results.sizeHintForRow(0)
    normal_list_minimum = panel.directory.results.minimumHeight()
    panel.resize(WINDOW_WIDTH + 30, panel.height())  # the rep's own width
    trainer = open_trainer(qtbot, panel)
    trainer.presenter.setChecked(True)
    try:
        assert QApplication.font().pointSizeF() == pytest.approx(normal_point_size * 1.5)
        assert "font-size: 26px" in style_sheet() and panel.width() == round((WINDOW_WIDTH + 30) * 1.5)
        assert panel.directory.results.sizeHintForRow(0) == round(normal_row * 1.5)
        assert panel.directory.results.minimumHeight() == round(normal_row * 1.5) * 2 + 4  # two rows still fit
    finally:
        trainer.presenter.setChecked(False)
    assert QApplication.font().pointSizeF() == normal_point_size and "font-size: 17px" in style_sheet()
    assert panel.width() == WINDOW_WIDTH + 30 and panel.directory.results.minimumHeight() == normal_list_minimum


def test_a_new_demo_call_says_who_is_calling_until_another_id_is_typed(qtbot, panel):
    panel.call_panel.new_demo_button.click()
    caller = panel.call_panel.caller
    assert caller.isVisible() and caller.text().startswith("Caller: ") and caller.text().count(" · ") == 2
    panel.call_panel.edit()
    qtbot.keyClicks(panel.call_panel.call_id, "x")
    assert not caller.isVisible()


def test_leaving_demo_mode_closes_the_trainer_tools_and_the_presenter_view(qtbot, panel, demo_services):
    normal_point_size = QApplication.font().pointSizeF()
    trainer = open_trainer(qtbot, panel)
    trainer.presenter.setChecked(True)
    panel.trainer_tools.open_inspector()
    inspector = panel.trainer_tools.inspector
    assert demo_services.demo.simulator._listeners == [inspector._from_simulator]

    panel.session.detach()
    assert not trainer.isVisible() and not inspector.isVisible()
    assert demo_services.demo.simulator._listeners == []
    assert QApplication.font().pointSizeF() == normal_point_size and "font-size: 17px" in style_sheet()
    panel.trainer_tools.open_trainer()  # e.g. Ctrl+T without a demo: nothing opens
    assert panel.trainer_tools.trainer is None


def test_flow_fails_is_refused_for_a_target_that_is_not_a_flow(qtbot, panel, demo_services):
    trainer = open_trainer(qtbot, panel)
    agent = first_target(demo_services, "agent")
    pick(qtbot, panel, agent)
    trainer.rule_scenario.setCurrentIndex(trainer.rule_scenario.findData("flow-fails"))
    trainer.add_rule_button.click()
    assert trainer.rules.count() == 0
    assert f"{agent.name} is not a flow" in trainer.status.text()


def test_a_trainer_can_do_it_all_from_the_keyboard(qtbot, panel, demo_services):
    from tests.ui.test_keyboard import CTRL, key

    panel.directory.focus_search()
    key(qtbot, Qt.Key.Key_T, CTRL)
    trainer = panel.trainer_tools.trainer
    assert trainer is not None and trainer.isVisible()
    assert next_tab_stop(trainer.save_button) is trainer.inspector_button
    assert next_tab_stop(trainer.inspector_button) is trainer.presenter
    trainer.activateWindow()
    trainer.every_target.setFocus()
    qtbot.keyClick(trainer.every_target, Qt.Key.Key_Down)  # "Target rejected", the scenario after "Success"
    assert trainer.plan.every_target == "rejected" and "Applied" in trainer.status.text()

    panel.activateWindow()
    panel.directory.focus_search()
    qtbot.keyClicks(panel.directory.search, "bil")
    key(qtbot, Qt.Key.Key_Return)
    key(qtbot, Qt.Key.Key_Return, CTRL)
    wait_outcome(qtbot, panel, "The routing target is not available for voice calls.")
    key(qtbot, Qt.Key.Key_I, CTRL)
    inspector = panel.trainer_tools.inspector
    assert inspector.isVisible() and "Answer: 400 Bad Request" in inspector.details.toPlainText()


def test_opening_the_inspector_on_a_full_log_renders_one_page_not_one_per_request(qtbot, panel, demo_services,
                                                                                 monkeypatch):
    """A class's worth of requests already logged: the list fills in one go and the details pane
    shows the newest once (each row inserted at the top re-rendered it: 50-75 ms at 1,000)."""
    import httpx

    from app.ui.trainer import inspector as inspector_module
    from app.ui.trainer.inspector import SHOWN_REQUESTS

    simulator = demo_services.demo.simulator
    with httpx.Client() as client:  # unsigned requests: the simulator answers 401 and logs each
        for number in range(SHOWN_REQUESTS + 50):
            client.post(f"{simulator.base_url}/voiceCalls/call-{number}/routeVoiceCall", json={})
    rendered, summarised = [], []
    monkeypatch.setattr(inspector_module, "describe", lambda record, origin: rendered.append(record) or "page")
    line = inspector_module.summary_line
    monkeypatch.setattr(inspector_module, "summary_line", lambda record: summarised.append(record) or line(record))
    panel.trainer_tools.open_inspector()
    inspector = panel.trainer_tools.inspector
    qtbot.wait(50)  # painted
    assert 0 < len(summarised) < 60  # the rows on screen, not all 200
    assert inspector.request_list.rowCount() == SHOWN_REQUESTS
    newest = inspector.request_list.index(0, 0)
    assert "call-249" in newest.data() and inspector.requests.currentIndex() == newest  # newest first
    assert [record.path for record in rendered] == [simulator.requests[-1].path]
