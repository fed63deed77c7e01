"""Trainer scenarios: what the next transfers meet, as the simulator's scripted faults.

A `ClassPlan` says which scenario every transfer meets and which targets meet another
one; applying it to a simulator scripts the faults, so the panel takes exactly the path it
would in production. Plans are saved as small TOML files a trainer can reuse per class:

    every_target = "success"

    [targets.00GHs00000tBAoHMAW]
    scenario = "throttled"
    label = "Billing (EMEA)"
"""

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import ConfigError, InputError, Problem
from app.core.ids import parse_routing_target
from app.messages import QT_TRANSLATE_NOOP
from app.simulator.faults import Fault


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str  # the name in plan files
    title: str  # what the trainer picks
    rep_sees: str  # what the trainee will meet, so the trainer can pick with intent (a template: `said`)
    fault: Fault

    def said(self, translate: Callable[[str], str] = str) -> tuple[str, str]:
        """The title and what the rep sees, in the trainer window's language (`translate` looks a
        text up in the "Scenarios" context; the texts are marked for the catalogue)."""
        return translate(self.title), translate(self.rep_sees).format(throttle_s=_THROTTLE_WAIT_S,
                                                                       slow_s=f"{SLOW_ANSWER_S:g}")


_THROTTLE_WAIT_S = 30  # longer than a transfer's deadline: the panel tells the rep when to retry
SLOW_ANSWER_S = 4.0

SCENARIOS: dict[str, Scenario] = {
    scenario.key: scenario
    for scenario in (
        Scenario("success", QT_TRANSLATE_NOOP("Scenarios", "Success"),
                 QT_TRANSLATE_NOOP("Scenarios", "“Routing requested to …”"), Fault()),
        Scenario("rejected", QT_TRANSLATE_NOOP("Scenarios", "Target rejected"),
                 QT_TRANSLATE_NOOP("Scenarios", "the server's reason (the target cannot take voice calls)"),
                 Fault(400, "The routing target is not available for voice calls.", "INVALID_ROUTING_TARGET")),
        Scenario("credentials", QT_TRANSLATE_NOOP("Scenarios", "Expired or invalid credentials"),
                 QT_TRANSLATE_NOOP("Scenarios", "a configuration error: the token was refused"),
                 Fault(401, "The token has expired or its signature does not match the call center's certificate.",
                       "INVALID_AUTH")),
        Scenario("throttled", QT_TRANSLATE_NOOP("Scenarios", "Throttled (Retry-After)"),
                 QT_TRANSLATE_NOOP("Scenarios", "“try again in {throttle_s} s”; nothing was routed"),
                 Fault(429, "Too many routing requests for this contact center.", "REQUEST_LIMIT_EXCEEDED",
                       retry_after=str(_THROTTLE_WAIT_S))),
        Scenario("server-error", QT_TRANSLATE_NOOP("Scenarios", "Server error"),
                 QT_TRANSLATE_NOOP("Scenarios", "a server failure; a manual retry only"),
                 Fault(500, "An unexpected error occurred. Please include this ErrorId if you contact support.",
                       "UNKNOWN_EXCEPTION")),
        Scenario("slow", QT_TRANSLATE_NOOP("Scenarios", "Slow answer"),
                 QT_TRANSLATE_NOOP("Scenarios", "the request in progress for {slow_s} s, then success"),
                 Fault(delay_s=SLOW_ANSWER_S)),
        Scenario("dropped", QT_TRANSLATE_NOOP("Scenarios", "Connection dropped"),
                 QT_TRANSLATE_NOOP("Scenarios", "“outcome unknown”: the call may already be moving"),
                 Fault(drop=True)),
        Scenario("flow-fails", QT_TRANSLATE_NOOP("Scenarios", "Flow fails (fallback queue)"),
                 QT_TRANSLATE_NOOP("Scenarios", "routing to a flow succeeds only through its fallback queue; "
                                   "without one it is refused"),
                 Fault(flow_fails=True)),
    )
}
DEFAULT_SCENARIO = "success"


@dataclass(frozen=True, slots=True)
class TargetRule:
    target_id: str  # 18-character form
    scenario: str
    label: str = ""  # the target's name, so a saved plan reads well


@dataclass(frozen=True, slots=True)
class ClassPlan:
    every_target: str = DEFAULT_SCENARIO
    targets: tuple[TargetRule, ...] = ()  # one rule per target, in the order they were added

    def __post_init__(self) -> None:
        for key in (self.every_target, *(rule.scenario for rule in self.targets)):
            if key not in SCENARIOS:
                raise ConfigError(Problem.PLAN_UNKNOWN_SCENARIO, scenario=key, choices=", ".join(SCENARIOS))
        for rule in self.targets:
            scenario = SCENARIOS[rule.scenario]
            if not scenario.fault.applies_to(rule.target_id):
                raise ConfigError(Problem.PLAN_NOT_A_FLOW, target=rule.label or rule.target_id,
                                  scenario=scenario.title)

    def with_rule(self, target_id: str, scenario: str, label: str = "") -> "ClassPlan":
        """This plan with `target_id`'s rule set (replaced if it had one)."""
        target = parse_routing_target(target_id, "target").value
        kept = tuple(rule for rule in self.targets if rule.target_id != target)
        return ClassPlan(self.every_target, (*kept, TargetRule(target, scenario, label)))

    def without_rule(self, target_id: str) -> "ClassPlan":
        return ClassPlan(self.every_target, tuple(rule for rule in self.targets if rule.target_id != target_id))

    def apply(self, simulator) -> None:
        """Script the simulator's faults to this plan, replacing whatever was scripted before."""
        simulator.replace_faults([(SCENARIOS[self.every_target].fault, None),
                                  *((SCENARIOS[rule.scenario].fault, rule.target_id) for rule in self.targets)])

    def to_toml(self) -> str:
        import tomli_w

        document: dict = {"every_target": self.every_target}
        if self.targets:
            document["targets"] = {
                rule.target_id: {"scenario": rule.scenario, **({"label": rule.label} if rule.label else {})}
                for rule in self.targets
            }
        return tomli_w.dumps(document)


def save_plan(plan: ClassPlan, path: Path) -> None:
    try:
        path.write_text(plan.to_toml(), encoding="utf-8")
    except OSError as error:
        raise ConfigError(Problem.PLAN_NOT_SAVED, path=str(path), reason=error.strerror or str(error)) from None


def load_plan(path: Path) -> ClassPlan:
    """The plan in a file; ConfigError naming the file and what to fix when it is not one."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(Problem.PLAN_UNREADABLE, path=str(path), reason=error.strerror or str(error)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(Problem.PLAN_NOT_TOML, path=str(path), error=str(error)) from None
    return plan_from_document(document, str(path))


def plan_from_document(document: dict, source: str) -> ClassPlan:
    unknown = sorted(set(document) - {"every_target", "targets"})
    if unknown:
        raise ConfigError(Problem.PLAN_UNKNOWN_KEYS, source=source, keys=", ".join(unknown))
    every_target = document.get("every_target", DEFAULT_SCENARIO)
    targets = document.get("targets", {})
    if not isinstance(every_target, str) or not isinstance(targets, dict):
        raise ConfigError(Problem.PLAN_BAD_SHAPE, source=source)
    rules = []
    for target_id, rule in targets.items():
        if not isinstance(rule, dict) or not isinstance(rule.get("scenario"), str):
            raise ConfigError(Problem.PLAN_RULE_NO_SCENARIO, source=source, target=target_id,
                              choices=", ".join(SCENARIOS))
        label = rule.get("label", "")
        try:
            target = parse_routing_target(target_id, "target").value
        except InputError as error:
            raise ConfigError(Problem.PLAN_BAD_RULE, source=source, details=(error,)) from None
        rules.append(TargetRule(target, rule["scenario"], label if isinstance(label, str) else ""))
    try:
        return ClassPlan(every_target, tuple(rules))
    except ConfigError as error:
        raise ConfigError(Problem.PLAN_BAD_RULE, source=source, details=(error,)) from None
