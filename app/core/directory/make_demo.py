"""Rewrite the bundled demo directory: `python -m app.core.directory.make_demo [PATH]`.

The output is deterministic (seeded), so rerunning it changes nothing unless the name
pools or the generator changed.
"""

import json
import sys
from pathlib import Path

from app.core.directory.demo import DEMO_FILE, FORMAT, demo_document

_SOURCE_FILE = Path(__file__).resolve().parents[3] / "resources" / DEMO_FILE


def write_demo_document(path: Path) -> None:
    """Write the demo file with one row per line, so changes read well in a diff."""
    document = demo_document()
    sections = []
    for section in ("agents", "queues", "flows"):
        rows = ",\n".join("    " + json.dumps(row, ensure_ascii=False) for row in document[section])
        sections.append(f'  "{section}": [\n{rows}\n  ]')
    inputs = ",\n".join(f"    {json.dumps(flow_id)}: {json.dumps(rows, ensure_ascii=False)}"
                         for flow_id, rows in document["flow_inputs"].items())
    sections.append(f'  "flow_inputs": {{\n{inputs}\n  }}')
    path.write_text(f'{{\n  "format": {FORMAT},\n' + ",\n".join(sections) + "\n}\n", encoding="utf-8")


if __name__ == "__main__":
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else _SOURCE_FILE
    write_demo_document(output)
    print(f"wrote {output}")
