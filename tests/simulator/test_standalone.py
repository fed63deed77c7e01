"""`transfer-panel simulator` as a process: public keys it accepts, its warnings, Ctrl+C."""

import datetime
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from app.core.errors import ConfigError
from app.simulator.standalone import is_loopback, load_public_key
from tests.conftest import WITH_CTRL_C, raises, stop_with_ctrl_c
from tests.simulator.test_simulator import CALL_CENTER, KEY, ORG_ID, http_client, route


def certificate_pem(key) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "HVCC")])
    start = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(1).not_valid_before(start).not_valid_after(start + datetime.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM)


def test_load_public_key_reads_a_certificate_or_public_key_and_refuses_a_private_key(tmp_path):
    public = KEY.public_key()
    files = {
        "cert.pem": certificate_pem(KEY),
        "key.pub": public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
        "key.der": public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        assert load_public_key(tmp_path / name).public_numbers() == public.public_numbers()
    private = tmp_path / "private.pem"
    private.write_bytes(KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    with raises(ConfigError, match="holds a private key") as refused:
        load_public_key(private)
    assert "MII" not in str(refused.value)
    (tmp_path / "junk").write_text("hello")
    with raises(ConfigError, match="not a PEM or DER"):
        load_public_key(tmp_path / "junk")


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("panel.example")


@pytest.mark.skipif(sys.platform == "win32", reason="sending SIGINT to a child process is POSIX-only")
def test_standalone_warns_serves_and_stops_on_ctrl_c(tmp_path):
    certificate = tmp_path / "hvcc.crt"
    certificate.write_bytes(certificate_pem(KEY))
    code = (WITH_CTRL_C + "from pathlib import Path; from app.simulator.standalone import run; "
            f"raise SystemExit(run(port=0, host='127.0.0.1', public_key_path=Path({str(certificate)!r}), "
            f"org_id={ORG_ID!r}, call_center={CALL_CENTER!r}, route_shape='connector'))")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("SCRT simulator at http://127.0.0.1:"), first_line
        base_url = first_line.split(" at ")[1].strip()
        with http_client(base_url) as client:
            assert route(client, shape="connector").status_code == 200
    finally:
        stdout, stderr = stop_with_ctrl_c(process)
    assert process.returncode == 0 and "Stopped." in stdout
    assert "TRAINING/TEST" in stderr and "NOT secure" in stderr and "other computers" not in stderr
