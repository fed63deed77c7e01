"""`credentials generate` and `export-cert` as IT runs them: real processes, the real OS keyring,
and the simulator set up from the written certificate, as a Call Center is."""

import hashlib
import re
import uuid
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.core.secrets import SecretStore
from app.core.signing.keys import load_private_key
from app.simulator.server import Simulator
from app.simulator.standalone import load_public_key
from tests.conftest import CALL_CENTER, ORG_ID, QUEUE, require_real_keyring
from tests.e2e.conftest import cli

CALL_ID = "0LQ5g00000Gen01"


@pytest.fixture
def machine(tmp_path):
    """A profile on the real keyring; `base_url` is set once a simulator knows the certificate."""
    require_real_keyring()
    name = f"gen-{uuid.uuid4().hex[:8]}"
    config = tmp_path / "config.toml"

    def point_at(base_url: str) -> None:
        config.write_text(f'[profiles.{name}]\nbase_url = "{base_url}"\norg_id = "{ORG_ID}"\n'
                          f'call_center = "{CALL_CENTER}"\n', encoding="utf-8")

    point_at("http://127.0.0.1:9/telephony/v1")  # nothing listens: only `route` would go there
    yield name, config, point_at
    cli("--config", str(config), "credentials", "delete", "--profile", name)


def credentials(config: Path, *args: str):
    return cli("--config", str(config), "credentials", *args)


def route_through(point_at, config: Path, certificate: Path, call_id: str = CALL_ID):
    """Route once to a simulator that accepts only tokens verified by `certificate`'s public key."""
    with Simulator(public_keys=[load_public_key(certificate)], org_id=ORG_ID, call_center=CALL_CENTER) as sim:
        point_at(sim.base_url)
        return cli("--config", str(config), "route", "--call-id", call_id, "--target", QUEUE, "--again")


def stored_pem(name: str) -> str:
    return SecretStore().get_private_key(name).pem


def public_der(key) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def test_a_generated_key_signs_what_its_certificate_verifies_and_never_touches_a_file(machine, tmp_path):
    name, config, point_at = machine
    cert_path = tmp_path / "out" / "hvcc.crt"
    made = credentials(config, "generate", "--profile", name, "--cert-out", str(cert_path))
    assert made.returncode == 0, made.stderr

    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    printed = re.search(r"Certificate fingerprint \(SHA-256\): ([0-9A-F:]{95})", made.stdout)
    assert printed, made.stdout
    digest = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    assert printed[1].replace(":", "") == digest  # what the Call Center's page will show
    assert f"Stored the 2048-bit RSA key for profile '{name}' (scrt)" in made.stdout
    assert certificate.subject == certificate.issuer and CALL_CENTER in certificate.subject.rfc4514_string()
    certificate.verify_directly_issued_by(certificate)  # self-signed by the key it certifies

    key = load_private_key(stored_pem(name), None)  # the private key is in the keyring...
    assert key.key_size == 2048 and public_der(key.public_key()) == public_der(certificate.public_key())
    routed = route_through(point_at, config, cert_path)  # ...and signs tokens the certificate verifies
    assert routed.returncode == 0 and routed.stdout.startswith("Routing requested to"), routed.stderr

    body = "".join(stored_pem(name).strip().splitlines()[1:-1])  # ...and nowhere else
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"PRIVATE KEY" not in data and body[:64].encode() not in data, path
    assert not any(body[:64] in text for text in (made.stdout, made.stderr, routed.stdout, routed.stderr))


def test_a_stored_key_is_kept_unless_replace_says_so(machine, tmp_path):
    name, config, point_at = machine
    first = tmp_path / "first.pem"
    assert credentials(config, "generate", "--profile", name, "--cert-out", str(first)).returncode == 0
    key_before = stored_pem(name)

    again = tmp_path / "again.pem"
    refused = credentials(config, "generate", "--profile", name, "--cert-out", str(again))
    assert refused.returncode == 2, refused.stdout
    assert f"Profile '{name}' already has a scrt key" in refused.stderr and "nothing was changed" in refused.stderr
    assert "add --replace" in refused.stderr and "export-cert" in refused.stderr and "Traceback" not in refused.stderr
    assert stored_pem(name) == key_before and not again.exists()

    replaced = credentials(config, "generate", "--profile", name, "--bits", "4096", "--replace",
                           "--cert-out", str(again))
    assert replaced.returncode == 0, replaced.stderr
    assert "Stored the 4096-bit RSA key" in replaced.stdout and "It replaces the key stored before" in replaced.stdout
    assert stored_pem(name) != key_before
    old_certificate = route_through(point_at, config, first, "0LQ5g00000Gen02")
    assert old_certificate.returncode == 3, old_certificate.stdout  # 401: the old certificate no longer matches
    new_certificate = route_through(point_at, config, again, "0LQ5g00000Gen03")
    assert new_certificate.returncode == 0, new_certificate.stderr


def test_export_cert_certifies_the_stored_key_again(machine, tmp_path):
    name, config, point_at = machine
    generated = tmp_path / "generated.pem"
    assert credentials(config, "generate", "--profile", name, "--cert-out", str(generated)).returncode == 0
    exported_path = tmp_path / "exported.pem"
    exported = credentials(config, "export-cert", "--profile", name, "--cert-out", str(exported_path))
    assert exported.returncode == 0, exported.stderr
    assert f"Wrote the certificate to {exported_path}" in exported.stdout

    first, second = (x509.load_pem_x509_certificate(path.read_bytes()) for path in (generated, exported_path))
    assert first.serial_number != second.serial_number  # a new certificate...
    assert public_der(first.public_key()) == public_der(second.public_key())  # ...for the same key
    assert route_through(point_at, config, exported_path).returncode == 0


def test_a_certificate_is_never_written_over_a_key_or_where_it_cannot_be_written(machine, tmp_path):
    name, config, _point_at = machine
    key_file = tmp_path / "hvcc.key"
    key_file.write_text("-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n")
    over_key = credentials(config, "generate", "--profile", name, "--cert-out", str(key_file))
    assert over_key.returncode == 2 and "holds a private key: it is never overwritten" in over_key.stderr
    assert key_file.read_text().startswith("-----BEGIN PRIVATE KEY-----")

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    nowhere = credentials(config, "generate", "--profile", name, "--cert-out", str(blocked / "hvcc.crt"))
    assert nowhere.returncode == 2 and "Cannot write the certificate to" in nowhere.stderr
    assert "nothing was changed" in nowhere.stderr
    checked = credentials(config, "check", "--profile", name)
    assert checked.returncode == 3 and "No private key is stored" in checked.stderr  # no key without its certificate

    no_key = credentials(config, "export-cert", "--profile", name, "--cert-out", str(tmp_path / "x.pem"))
    assert no_key.returncode == 3 and "No private key is stored" in no_key.stderr
    assert not (tmp_path / "x.pem").exists()
