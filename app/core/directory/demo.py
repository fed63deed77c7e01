"""The bundled demo directory, and a generator of realistic directories of any size.

`resources/demo/directory.json` (format 1) holds one compact row per target:

    {
      "format": 1,
      "agents": [["005…18 chars", "Zoë Müller", "Available", 12], ["005…", "田中 優希", "Busy", 3, "Yūki Tanaka"], …],
      "queues": [["00G…", "Billing (EMEA)", "Billing_EMEA"], …],
      "flows":  [["300…", "After-hours Routing", "After_hours_Routing"], …],
      "flow_inputs": {"300…": [["CallbackNumber", "String", "The number to call back…"], …], …}
    }

* agents: ID, name, presence status (a key of `STATUSES`), minutes since the status
  started (counted back from load time, so the demo always looks fresh), then any extra
  search terms (e.g. the name in another script).
* queues: ID, name, DeveloperName, then extra search terms.
* flows: ID, label, ApiName (the route uses the flow definition's 300… DurableId), then
  extra search terms.
* flow_inputs (optional): per flow ID, its input variables as API name, DataType and
  description (`names.FLOW_INPUTS`).

IDs are valid 18-character Salesforce IDs with the kind's prefix. The file is generated,
deterministically: `python -m app.core.directory.make_demo` rewrites it.
"""

import json
import random
import re
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.core.directory import names
from app.core.directory.target import FlowVariable, Presence, PresenceState, Target
from app.core.errors import PanelError, Problem
from app.core.ids import checksum_suffix
from app.core.resources import resource_path

FORMAT = 1
DEMO_FILE = "demo/directory.json"
DEMO_AGENTS = 300 + len(names.LATER_FEATURED_AGENTS)
_DEMO_SEED = 2024

# Status label -> (meaning, share of agents in generated data, longest minutes in it).
STATUSES: dict[str, tuple[PresenceState, int, int]] = {
    "Available": (PresenceState.AVAILABLE, 35, 90),
    "Busy": (PresenceState.BUSY, 12, 45),
    "On a call": (PresenceState.BUSY, 25, 30),
    "Away": (PresenceState.AWAY, 12, 60),
    "Offline": (PresenceState.OFFLINE, 16, 3 * 24 * 60),
}
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def load_demo_directory(path: Path | None = None, now: datetime | None = None) -> list[Target]:
    """The bundled demo targets (or those of another file in the same format)."""
    path = path or resource_path(DEMO_FILE)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return targets_from_document(document, now)
    except (OSError, ValueError, TypeError, KeyError, IndexError, PanelError) as error:
        raise PanelError(Problem.DEMO_DIRECTORY_UNREADABLE, path=str(path), error=type(error).__name__) from error


def generate_targets(n: int, seed: int = 0, now: datetime | None = None) -> list[Target]:
    """`n` realistic targets (about 96% agents, 3% queues, 1% flows), the same for the same seed."""
    queues, flows = round(n * 0.03), round(n * 0.01)
    rng = random.Random(seed)
    document = build_document(
        rng, list(_agent_names(rng, n - queues - flows, tuple(names.NATIVE_NAMES))),
        _labels(rng, names.QUEUE_TOPICS, queues), _labels(rng, names.FLOW_PURPOSES, flows),
    )
    return targets_from_document(document, now)


def targets_from_document(document: dict[str, Any], now: datetime | None = None) -> list[Target]:
    if document.get("format") != FORMAT:
        raise ValueError(f"unknown format {document.get('format')!r}, expected {FORMAT}")
    now = now or datetime.now(UTC)
    presences: dict[tuple[str, int], Presence] = {}  # shared: many agents have equal presence
    targets = []
    for target_id, name, status, minutes, *extra in document["agents"]:
        presence = presences.get((status, minutes))
        if presence is None:
            presence = Presence(status, STATUSES[status][0], now - timedelta(minutes=minutes))
            presences[status, minutes] = presence
        targets.append(Target.agent(target_id, name, presence, tuple(extra)))
    targets.extend(Target.queue(i, name, developer, tuple(extra)) for i, name, developer, *extra in document["queues"])
    inputs = document.get("flow_inputs", {})
    targets.extend(Target.flow(i, label, api, tuple(extra), tuple(FlowVariable(*row) for row in inputs.get(i, ())))
                   for i, label, api, *extra in document["flows"])
    return targets


def build_document(rng: random.Random, agents: Sequence[tuple[str, tuple[str, ...]]],
                   queues: Sequence[str], flows: Sequence[str]) -> dict[str, Any]:
    """A directory document: agents as (name, extra terms), queue and flow labels."""
    statuses = list(STATUSES)
    weights = [share for _state, share, _longest in STATUSES.values()]
    agent_rows = []
    for target_id, (name, extra) in zip(_ids(rng, "005"), agents, strict=False):
        status = rng.choices(statuses, weights)[0]
        agent_rows.append([target_id, name, status, rng.randint(0, STATUSES[status][2]), *extra])
    queue_rows = [[i, label, api_name(label)] for i, label in zip(_ids(rng, "00G"), queues, strict=False)]
    flow_rows = [[i, label, api_name(label)] for i, label in zip(_ids(rng, "300"), flows, strict=False)]
    return {
        "format": FORMAT,
        "agents": agent_rows,
        "queues": queue_rows,
        "flows": flow_rows,
        "flow_inputs": {i: [list(row) for row in variables] for i, label, _api in flow_rows
                        if (variables := names.FLOW_INPUTS.get(label.split(" (")[0]))},
    }


def demo_document() -> dict[str, Any]:
    """The content of the bundled demo file."""
    rng = random.Random(_DEMO_SEED)
    featured, later = names.FEATURED_AGENTS, names.LATER_FEATURED_AGENTS
    agents = [*featured, *_agent_names(rng, DEMO_AGENTS - len(featured) - len(later), names.DEMO_SCRIPTS)]
    document = build_document(rng, agents, names.DEMO_QUEUES, names.DEMO_FLOWS)
    # Agents featured since: drawn apart, so every earlier ID and status stays what trainers know.
    document["agents"] += build_document(random.Random(_DEMO_SEED + 1), later, (), ())["agents"]
    return document


def api_name(label: str) -> str:
    """A Salesforce-style API name: "Sales – Small Business" -> "Sales_Small_Business"."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_")


def _ids(rng: random.Random, prefix: str) -> Iterator[str]:
    """Unique 18-character IDs shaped like a real org's: prefix, pod, zeros, a counter."""
    counter = rng.randrange(62**5)
    while True:
        digits, value = [], counter
        for _ in range(6):
            value, digit = divmod(value, 62)
            digits.append(_BASE62[digit])
        id15 = f"{prefix}Hs0000{''.join(reversed(digits))}"
        yield id15 + checksum_suffix(id15)
        counter += 1


def _agent_names(rng: random.Random, count: int, scripts: tuple[str, ...]) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(name, extra search terms): mostly Latin-script names, some Vietnamese and some in these other
    scripts (`names.NATIVE_NAMES` keys)."""
    latin = list(names.LATIN_NAMES.values())
    native = [names.NATIVE_NAMES[script] for script in scripts]
    for _ in range(count):
        roll = rng.random()
        if roll < 0.72:
            given, family = rng.choice(latin)
            yield f"{rng.choice(given)} {rng.choice(family)}", ()
        elif roll < 0.80:
            yield " ".join(rng.choice(part) for part in names.VIETNAMESE_NAMES), ()
        else:
            given_names, families, separator, native_family_first, roman_family_first = rng.choice(native)
            (native_given, given_roman), (native_family, family_roman) = rng.choice(given_names), rng.choice(families)
            native_name = separator.join((native_family, native_given) if native_family_first
                                         else (native_given, native_family))
            roman = " ".join((family_roman, given_roman) if roman_family_first else (given_roman, family_roman))
            # Orgs differ in which form they keep as the user's name; search finds either.
            yield (native_name, (roman,)) if rng.random() < 0.5 else (roman, (native_name,))


def _labels(rng: random.Random, bases: Sequence[str], count: int) -> list[str]:
    """`count` distinct labels: "Billing (EMEA)", then "Billing (EMEA) – Lisbon", then numbered."""
    by_region = [f"{base} ({region})" for base in bases for region in names.REGIONS]
    by_site = [f"{label} – {site}" for label in by_region for site in names.SITES]
    rng.shuffle(by_region)
    rng.shuffle(by_site)
    labels = (by_region + by_site)[:count]
    pool = len(labels)
    labels.extend(f"{labels[k % pool]} {k // pool + 1}" for k in range(pool, count))
    return labels
