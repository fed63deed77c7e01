"""`transfer-panel route` against hostile servers: per case, peak memory, wall time against the
profile's `timeout_s`, requests the server received and journal rows written (issue 12).

Each case is `tests/reliability/hostile_server.py` in one mode, and each run a real process
(`python -m app route --json`, the key in the OS keyring) with its own journal; its peak RSS is
the kernel's (wait4's ru_maxrss). The baseline, measured in the same run and interleaved with
the cases, is the same route against a server that answers a plain 200 at once: "RSS x" is a
case's peak over the baseline's, and "extra s" its wall time minus the baseline's (what the
server's behaviour cost, without the interpreter's start). Goals (the issue's "done when"): peak
RSS under 150 MiB, extra time within timeout_s + 1 s, exactly one journal row.

Without a usable OS keyring (no D-Bus session) it runs itself again inside `dbus-run-session`
with a throwaway, unlocked gnome-keyring. All user folders are throwaway too.

    python benchmarks/hostile.py [--rounds 3] [--timeout-s 3] [--case drip ...]

Prints a table (medians, with the range over the rounds), then one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

from tests.conftest import QUEUE  # noqa: E402
from tests.reliability.hostile_server import MODES, HostileServer  # noqa: E402
from tests.reliability.processes import journal_rows, run_cli, write_profile  # noqa: E402

RSS_GOAL_MIB = 150.0
BASELINE = "baseline"
_INNER = "HOSTILE_BENCH_IN_KEYRING_SESSION"


def _keyring_usable() -> bool:
    from app.core.secrets import SecretStore

    try:
        return SecretStore().available
    except Exception:
        return False


def _rerun_in_a_keyring_session() -> int:
    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        print("No usable OS keyring, and no dbus-run-session / gnome-keyring-daemon to start one.", file=sys.stderr)
        return 3
    script = ('echo -n bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null; '
              'exec "$0" "$@"')
    with tempfile.TemporaryDirectory(prefix="hostile-bench-keyring-") as home:  # the keyring's files, then gone
        os.chmod(home, 0o700)
        return subprocess.call(["dbus-run-session", "--", "sh", "-c", script, sys.executable, *sys.argv],
                               env={**os.environ, _INNER: "1", "XDG_DATA_HOME": home, "XDG_RUNTIME_DIR": home})


def _one_run(mode: str, profile: str, folder: Path, timeout_s: float, run_number: int) -> dict:
    data_home = folder / f"data-{mode}-{run_number}"
    with HostileServer(mode) as server:
        config = write_profile(folder / "config.toml", profile, server.base_url, timeout_s)
        run = run_cli("--config", str(config), "route", "--profile", profile, "--call-id", f"bench-{run_number}",
                      "--target", QUEUE, "--json", env={"XDG_DATA_HOME": str(data_home)}, timeout_s=120)
        received = server.received
    outcome = json.loads(run.stdout.splitlines()[-1]) if run.stdout.strip() else {}
    return {"status": outcome.get("status", f"exit {run.returncode}"), "exit_code": run.returncode,
            "peak_rss_mib": round(run.peak_rss_mib, 1), "wall_s": round(run.wall_s, 3),
            "transfer_ms": outcome.get("elapsed_ms"), "received": received,
            "journal_rows": len(journal_rows(data_home))}


def _spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout-s", type=float, default=3.0, help="the profile's deadline (1-120 s)")
    parser.add_argument("--case", action="append", choices=sorted(MODES), help="only these cases (repeatable)")
    args = parser.parse_args()
    if not _keyring_usable():
        if os.environ.get(_INNER):
            print("The keyring session started, but its keyring is not usable.", file=sys.stderr)
            return 3
        return _rerun_in_a_keyring_session()
    cases = args.case or list(MODES)

    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as scratch:
        folder = Path(scratch)
        for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            os.environ[name] = str(folder / name.lower())
        os.environ["TRANSFER_PANEL_SITE_CONFIG"] = str(folder / "site.toml")
        profile = f"bench-{uuid.uuid4().hex[:8]}"
        key_file = folder / "key.pem"
        key_file.write_bytes(rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        config = write_profile(folder / "config.toml", profile, "http://127.0.0.1:9/telephony/v1")
        stored = run_cli("--config", str(config), "credentials", "set", "--profile", profile, "--key-file",
                         str(key_file))
        if stored.returncode:
            print(f"Could not store the benchmark's key: {stored.stderr.strip()}", file=sys.stderr)
            return 3
        runs: dict[str, list[dict]] = {name: [] for name in (BASELINE, *cases)}
        try:
            number = 0
            for _ in range(args.rounds):
                for mode in (BASELINE, *cases):  # interleaved: a noisy moment hits every case alike
                    number += 1
                    runs[mode].append(_one_run("delayed_ok" if mode == BASELINE else mode, profile, folder,
                                               args.timeout_s, number))
        finally:
            run_cli("--config", str(config), "credentials", "delete", "--profile", profile)

    base_rss = statistics.median(run["peak_rss_mib"] for run in runs[BASELINE])
    base_wall = statistics.median(run["wall_s"] for run in runs[BASELINE])
    figures = {}
    print(f"route against hostile servers: timeout_s = {args.timeout_s:g}, {args.rounds} round(s); "
          f"baseline (a plain 200 at once): peak RSS {base_rss:.1f} MiB, wall {base_wall:.2f} s")
    columns = ("case", "outcome", "peak RSS MiB", "RSS x", "wall s", "extra s", "transfer ms", "recv", "rows", "goals")
    widths = (24, 16, 18, 6, 18, 8, 12, 5, 5, 6)
    print("  ".join(name.ljust(width) if index < 2 else name.rjust(width)
                    for index, (name, width) in enumerate(zip(columns, widths, strict=True))))
    for mode, results in runs.items():
        rss, rss_low, rss_high = _spread([run["peak_rss_mib"] for run in results])
        wall, wall_low, wall_high = _spread([run["wall_s"] for run in results])
        transfer = statistics.median(run["transfer_ms"] or 0.0 for run in results)
        statuses = sorted({run["status"] for run in results})
        received = sorted({run["received"] for run in results})
        rows = sorted({run["journal_rows"] for run in results})
        extra = wall - base_wall
        goals_met = rss_high < RSS_GOAL_MIB and max(r["wall_s"] for r in results) - base_wall <= args.timeout_s + 1 \
            and rows == [1]
        figures[mode] = {"status": statuses, "peak_rss_mib": {"median": rss, "min": rss_low, "max": rss_high},
                         "rss_ratio": round(rss / base_rss, 2), "wall_s": {"median": wall, "min": wall_low,
                                                                          "max": wall_high},
                         "extra_s": round(extra, 3), "transfer_ms": transfer, "received": received,
                         "journal_rows": rows, "goals_met": goals_met, "runs": results}
        cells = (mode, "/".join(statuses), f"{rss:.1f} ({rss_low:.0f}-{rss_high:.0f})", f"{rss / base_rss:.2f}",
                 f"{wall:.2f} ({wall_low:.2f}-{wall_high:.2f})", f"{extra:.2f}", f"{transfer:.0f}",
                 "/".join(map(str, received)), "/".join(map(str, rows)), "ok" if goals_met else "MISSED")
        print("  ".join(cell.ljust(width) if index < 2 else cell.rjust(width)
                        for index, (cell, width) in enumerate(zip(cells, widths, strict=True))))
    print(json.dumps({"benchmark": "hostile", "timeout_s": args.timeout_s, "rounds": args.rounds,
                      "rss_goal_mib": RSS_GOAL_MIB, "baseline": {"peak_rss_mib": base_rss, "wall_s": base_wall},
                      "cases": figures}))
    return 0 if all(case["goals_met"] for case in figures.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
