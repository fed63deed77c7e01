"""Classroom: the trainer's `transfer-panel simulator` and a trainee's profile pointing at it.

The trainer sees each trainee's transfer in the simulator's live log as it happens, and a
class plan decides what the transfers meet. Loopback stands in for the training network.
"""

import socket
import subprocess
import sys
import time
import uuid

import pytest
from cryptography.hazmat.primitives import serialization

from app.simulator.scenarios import ClassPlan, save_plan
from tests.conftest import CALL_CENTER, ORG_ID, QUEUE, python_with_ctrl_c, require_real_keyring, stop_with_ctrl_c
from tests.e2e.conftest import cli
from tests.simulator.test_standalone import certificate_pem

AGENT_ID = "005000000000009"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert process.poll() is None, "the simulator exited at start"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"the simulator did not listen on port {port} within {timeout_s} s")


@pytest.mark.skipif(sys.platform == "win32", reason="sending SIGINT to a child process is POSIX-only")
def test_the_trainer_sees_a_trainees_transfers_live_and_the_plan_decides_them(tmp_path, rsa_key):
    require_real_keyring()
    certificate = tmp_path / "classroom.crt"
    certificate.write_bytes(certificate_pem(rsa_key))
    plan = tmp_path / "monday.toml"
    save_plan(ClassPlan(every_target="success").with_rule(AGENT_ID, "rejected", "Aiko Tanaka"), plan)
    port = free_port()
    trainer = subprocess.Popen(
        python_with_ctrl_c("simulator", "--port", str(port), "--public-key", str(certificate),
                           "--org-id", ORG_ID, "--call-center", CALL_CENTER, "--plan", str(plan)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    name = f"trainee-{uuid.uuid4().hex[:8]}"
    config = tmp_path / "trainee.toml"
    try:
        wait_for_port(port, trainer)
        base_url = f"http://127.0.0.1:{port}/telephony/v1"
        config.write_text(f'[profiles.{name}]\nbase_url = "{base_url}"\norg_id = "{ORG_ID}"\n'
                          f'call_center = "{CALL_CENTER}"\n', encoding="utf-8")
        pem = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
        stored = cli("--config", str(config), "credentials", "set", "--profile", name, stdin=pem)
        assert stored.returncode == 0, stored.stderr
        to_queue = cli("--config", str(config), "route", "--profile", name, "--call-id", "trainee-call-1",
                       "--target", QUEUE, "--label", "Billing (EMEA)")
        to_agent = cli("--config", str(config), "route", "--profile", name, "--call-id", "trainee-call-2",
                       "--target", AGENT_ID)
    finally:
        log, warnings = stop_with_ctrl_c(trainer)  # the whole of its output, banner included
        cli("--config", str(config), "credentials", "delete", "--profile", name)
    assert to_queue.returncode == 0 and to_queue.stdout.startswith("Routing requested to Billing (EMEA)")
    assert to_agent.returncode == 4 and "not available for voice calls" in to_agent.stdout + to_agent.stderr
    assert f"SCRT simulator at {base_url}" in log
    assert "every target meets Success" in log and "Aiko Tanaka: Target rejected" in log
    queue_line = next(line for line in log.splitlines() if "trainee-call-1" in line)
    assert "127.0.0.1" in queue_line and QUEUE in queue_line and "200 OK" in queue_line
    agent_line = next(line for line in log.splitlines() if "trainee-call-2" in line)
    assert "400 Bad Request" in agent_line and "not available for voice calls" in agent_line
    assert "TRAINING/TEST" in warnings and "NOT secure" in warnings
