"""What the window shows of a directory target: the one place that reads the core's `Target`.

Also builds the row offered for a pasted agent/queue/flow ID that the directory does not
hold, so a rep with an empty directory can still transfer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.core.ids import IdKind
from app.ui.common.i18n import QT_TRANSLATE_NOOP
from app.ui.common.icons import PresenceShape

if TYPE_CHECKING:  # the core directory loads after the first paint
    from app.core.directory import Target
    from app.core.directory.target import FlowVariable

KIND_LABELS = {IdKind.AGENT: QT_TRANSLATE_NOOP("TargetView", "Agent"),
               IdKind.QUEUE: QT_TRANSLATE_NOOP("TargetView", "Queue"),
               IdKind.FLOW: QT_TRANSLATE_NOOP("TargetView", "Omni-Channel flow")}
_SECONDARY_LABELS = {IdKind.QUEUE: QT_TRANSLATE_NOOP("TargetView", "Developer name: {name}"),
                     IdKind.FLOW: QT_TRANSLATE_NOOP("TargetView", "API name: {name}")}


def _tr(text: str) -> str:
    return QCoreApplication.translate("TargetView", text)


@dataclass(frozen=True, slots=True)
class TargetView:
    kind: IdKind  # AGENT, QUEUE or FLOW
    target_id: str
    name: str
    secondary: str = ""  # presence for agents, developer name for queues, API name for flows
    presence: PresenceShape | None = None
    entered: bool = False  # typed or pasted by the rep, not from the directory
    inputs: tuple[FlowVariable, ...] = ()  # a flow's input variables, where the directory knows them

    @property
    def kind_label(self) -> str:
        return _tr(KIND_LABELS[self.kind]) if self.kind in KIND_LABELS else self.kind.value.title()

    @property
    def secondary_with_label(self) -> str:
        label = _SECONDARY_LABELS.get(self.kind)
        if self.entered or not self.secondary or label is None:
            return self.secondary
        return _tr(label).format(name=self.secondary)

    def accessible_text(self) -> str:
        parts = [self.kind_label, self.name]
        if self.secondary:
            parts.append(self.secondary_with_label)
        return ", ".join(parts)


def entered_target(text: str) -> TargetView | None:
    """A row for a pasted agent (005), queue (00G) or flow (300) ID; None if the text is not one."""
    text = text.strip()
    if len(text) not in (15, 18):
        return None
    from app.core.ids import InvalidIdError, parse_routing_target

    try:
        sf_id = parse_routing_target(text)
    except InvalidIdError:
        return None
    kind = sf_id.kind
    return TargetView(
        kind=kind, target_id=sf_id.value,
        name=QCoreApplication.translate("TargetView", "{kind} {id} (entered ID)").format(kind=_tr(KIND_LABELS[kind]),
                                                                                        id=sf_id.value),
        secondary=QCoreApplication.translate("TargetView", "Not in the directory: check the ID before you transfer"),
        entered=True,
    )


def view_of(target: Target) -> TargetView:
    """Adapt a core directory `Target`. An agent without a known presence says so in words."""
    if target.kind is not IdKind.AGENT:
        return TargetView(target.kind, target.id, target.label, target.secondary, inputs=target.inputs)
    if target.presence is None:
        return TargetView(IdKind.AGENT, target.id, target.label,
                          QCoreApplication.translate("TargetView", "Presence unknown"), PresenceShape.UNKNOWN)
    return TargetView(IdKind.AGENT, target.id, target.label, target.presence.status,
                      PresenceShape(target.presence.state.value))
