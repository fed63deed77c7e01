"""Set up OpenBao (or HashiCorp Vault: same API) to sign the panel's tokens with no key on any PC.

Run once by IT with an admin token in BAO_TOKEN (or VAULT_TOKEN), from a checkout or an install of
the panel (it needs httpx and cryptography). Each step is safe to run again.

1. Enables the Transit engine (--transit-mount, default "transit").
2. The Call Center's key, either
   --import-key KEY.pem   brings the existing key (BYOK): its PKCS#8 DER is wrapped with a one-off
                          AES-256 key (AES-KWP, RFC 5649), that key with OpenBao's wrapping key
                          (RSA-OAEP-SHA256), and imported as a non-exportable key. Afterwards, delete
                          KEY.pem and remove the key from every PC's keyring.
   --create rsa-2048|rsa-4096   makes a key inside OpenBao; the script writes its public key, a
                          CSR (for a company CA) and a self-signed certificate (signed by Transit),
                          either certificate to upload to the Call Center.
3. Writes the least-privilege policy (transfer-panel-policy.hcl beside this script).
4. Sign-in for reps, each optional: --userpass-user NAME (password from --password-env),
   --oidc-discovery-url ... (the company IdP; redirect http://localhost:8250/oidc/callback as the
   panel and `bao login -method=oidc` use), and tokens of 1 h renewable to a 10 h shift.

    BAO_ADDR=https://openbao.example.com:8200 BAO_TOKEN=... python packaging/openbao/setup_openbao.py \\
        --key-name scrt-hvcc --import-key hvcc.pem --oidc-discovery-url https://login.example.com \\
        --oidc-client-id panel --oidc-client-secret-env OIDC_SECRET --out-dir ./hvcc
"""

from __future__ import annotations

import argparse
import base64
import datetime
import os
import sys
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
_SHA256_WITH_RSA = bytes.fromhex("300d06092a864886f70d01010b0500")  # AlgorithmIdentifier, DER


class Bao:
    """The admin's side of the HTTP API."""

    def __init__(self, address: str, token: str, namespace: str = "", ca_file: str | None = None) -> None:
        headers = {"X-Vault-Token": token, **({"X-Vault-Namespace": namespace} if namespace else {})}
        self.http = httpx.Client(base_url=f"{address.rstrip('/')}/v1/", headers=headers, timeout=30,
                                 verify=ca_file or True)

    def call(self, method: str, path: str, body: dict | None = None, ok_statuses: tuple[int, ...] = ()) -> dict:
        response = self.http.request(method, path, json=body)
        if response.status_code in ok_statuses:
            return {}
        if response.status_code >= 300:
            errors = response.json().get("errors") if response.content else None
            sys.exit(f"error: {method} {path}: {response.status_code} {errors or response.reason_phrase}")
        return response.json() if response.content else {}


def enable_transit(bao: Bao, mount: str) -> None:
    if f"{mount}/" in bao.call("GET", "sys/mounts").get("data", {}):
        print(f"Transit already enabled at {mount}/")
        return
    bao.call("POST", f"sys/mounts/{mount}", {"type": "transit", "description": "Voice Transfer Panel signing"})
    print(f"Enabled Transit at {mount}/")


def key_exists(bao: Bao, mount: str, name: str) -> bool:
    return bool(bao.call("GET", f"{mount}/keys/{name}", ok_statuses=(404,)))


def import_key(bao: Bao, mount: str, name: str, pem_path: Path, passphrase: str | None) -> rsa.RSAPublicKey:
    """BYOK: PKCS#8 DER, wrapped with AES-KWP under a one-off key, itself wrapped with RSA-OAEP-SHA256."""
    key = serialization.load_pem_private_key(pem_path.read_bytes(), passphrase.encode() if passphrase else None)
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size not in (2048, 4096):
        sys.exit(f"error: {pem_path} is not an RSA 2048- or 4096-bit private key")
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    wrapping_pem = bao.call("GET", f"{mount}/wrapping_key")["data"]["public_key"]
    wrapping_key = serialization.load_pem_public_key(wrapping_pem.encode())
    assert isinstance(wrapping_key, rsa.RSAPublicKey)
    transport_key = os.urandom(32)
    wrapped_transport_key = wrapping_key.encrypt(transport_key, padding.OAEP(
        mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
    ciphertext = base64.b64encode(wrapped_transport_key + aes_key_wrap_with_padding(transport_key, der)).decode()
    bao.call("POST", f"{mount}/keys/{name}/import", {
        "ciphertext": ciphertext, "type": f"rsa-{key.key_size}", "hash_function": "SHA256",
        "exportable": False, "allow_plaintext_backup": False})
    public_key = read_public_key(bao, mount, name)
    if public_bytes(public_key) != public_bytes(key.public_key()):
        sys.exit("error: the imported key's public key differs from the PEM's: do not use it")
    print(f"Imported {pem_path.name} as {mount}/keys/{name} (RSA {key.key_size}, not exportable)")
    return public_key


def create_key(bao: Bao, mount: str, name: str, key_type: str) -> rsa.RSAPublicKey:
    bao.call("POST", f"{mount}/keys/{name}", {"type": key_type, "exportable": False})
    print(f"Created {mount}/keys/{name} ({key_type}, not exportable: the key never leaves OpenBao)")
    return read_public_key(bao, mount, name)


def read_public_key(bao: Bao, mount: str, name: str) -> rsa.RSAPublicKey:
    data = bao.call("GET", f"{mount}/keys/{name}")["data"]
    pem = data["keys"][str(data["latest_version"])]["public_key"]
    key = serialization.load_pem_public_key(pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def public_bytes(key: rsa.RSAPublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def transit_sign(bao: Bao, mount: str, name: str, data: bytes) -> bytes:
    answer = bao.call("POST", f"{mount}/sign/{name}", {"input": base64.b64encode(data).decode(),
                                                        "hash_algorithm": "sha2-256",
                                                        "signature_algorithm": "pkcs1v15"})
    return base64.b64decode(answer["data"]["signature"].split(":", 2)[2])


def self_signed_certificate(bao: Bao, mount: str, name: str, public_key: rsa.RSAPublicKey, common_name: str,
                            days: int) -> x509.Certificate:
    """A certificate for the Call Center, signed by Transit: the to-be-signed part is built with a
    throwaway key (cryptography needs one), then signed again by OpenBao and assembled in DER."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    draft = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(public_key)
             .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
             .not_valid_after(now + datetime.timedelta(days=days))
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .sign(rsa.generate_private_key(public_exponent=65537, key_size=2048), hashes.SHA256()))
    signature = transit_sign(bao, mount, name, draft.tbs_certificate_bytes)
    der = _der(0x30, draft.tbs_certificate_bytes + _SHA256_WITH_RSA + _der(0x03, b"\0" + signature))
    certificate = x509.load_der_x509_certificate(der)
    certificate.verify_directly_issued_by(certificate)  # Transit's signature checks out
    return certificate


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def write_policy(bao: Bao, mount: str, name: str, policy_name: str) -> None:
    text = (HERE / "transfer-panel-policy.hcl").read_text().replace("TRANSIT_MOUNT", mount).replace("KEY_NAME", name)
    bao.call("PUT", f"sys/policies/acl/{policy_name}", {"policy": text})
    print(f"Wrote policy {policy_name}: sign with {mount}/sign/{name} (RS256 only), the token's own "
          "lookup/renew/revoke")


def enable_auth(bao: Bao, method: str) -> None:
    if f"{method}/" not in bao.call("GET", "sys/auth").get("data", {}):
        bao.call("POST", f"sys/auth/{method}", {"type": method})
        print(f"Enabled the {method} sign-in at auth/{method}/")


def token_settings(policy_name: str, args: argparse.Namespace) -> dict:
    return {"token_policies": [policy_name], "token_no_default_policy": True,
            "token_ttl": args.token_ttl, "token_max_ttl": args.token_max_ttl}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--address", default=os.environ.get("BAO_ADDR") or os.environ.get("VAULT_ADDR"),
                        help="OpenBao address (default: $BAO_ADDR)")
    parser.add_argument("--namespace", default=os.environ.get("BAO_NAMESPACE", ""))
    parser.add_argument("--ca-file", help="the CA certificate of OpenBao's TLS certificate (default: system CAs)")
    parser.add_argument("--transit-mount", default="transit")
    parser.add_argument("--key-name", required=True, help="the Transit key's name (the profile's openbao_key)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--import-key", metavar="KEY.pem", type=Path, help="the Call Center's existing private key")
    source.add_argument("--create", choices=["rsa-2048", "rsa-4096"], help="make a new key inside OpenBao")
    parser.add_argument("--passphrase-env", metavar="VAR", help="environment variable holding KEY.pem's passphrase")
    parser.add_argument("--policy-name", default="transfer-panel")
    parser.add_argument("--token-ttl", default="1h", help="a sign-in lasts this long unless renewed (default 1h)")
    parser.add_argument("--token-max-ttl", default="10h", help="renewals stop here: a shift (default 10h)")
    parser.add_argument("--userpass-user", metavar="NAME", help="add a userpass user (tests, small sites)")
    parser.add_argument("--password-env", metavar="VAR", help="environment variable holding that user's password")
    parser.add_argument("--oidc-discovery-url", help="the company identity provider's issuer URL")
    parser.add_argument("--oidc-client-id")
    parser.add_argument("--oidc-client-secret-env", metavar="VAR")
    parser.add_argument("--oidc-role", default="transfer-panel", help="the profile's openbao_role")
    parser.add_argument("--oidc-user-claim", default="email")
    parser.add_argument("--oidc-callback-port", type=int, default=8250, help="the panel's loopback port (8250)")
    parser.add_argument("--oidc-bound-claims", metavar="JSON", help='e.g. {"groups": ["contact-center"]}')
    parser.add_argument("--common-name", default="Voice Transfer Panel", help="subject of the certificate (--create)")
    parser.add_argument("--certificate-days", type=int, default=730)
    parser.add_argument("--out-dir", type=Path, default=Path("."), help="where public key, CSR and certificate go")
    args = parser.parse_args(argv)
    token = os.environ.get("BAO_TOKEN") or os.environ.get("VAULT_TOKEN")
    if not args.address or not token:
        parser.error("set BAO_ADDR (or --address) and BAO_TOKEN to an admin token")
    bao = Bao(args.address, token, args.namespace, args.ca_file)
    mount, name = args.transit_mount, args.key_name

    enable_transit(bao, mount)
    if key_exists(bao, mount, name):
        print(f"{mount}/keys/{name} exists: kept as it is")
        public_key = read_public_key(bao, mount, name)
    elif args.import_key:
        passphrase = os.environ.get(args.passphrase_env) if args.passphrase_env else None
        public_key = import_key(bao, mount, name, args.import_key, passphrase)
    else:
        public_key = create_key(bao, mount, name, args.create)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / f"{name}-public.pem").write_bytes(public_bytes(public_key))
    if args.create:
        csr = bao.call("POST", f"{mount}/keys/{name}/csr", {
            "csr": x509.CertificateSigningRequestBuilder().subject_name(x509.Name(
                [x509.NameAttribute(NameOID.COMMON_NAME, args.common_name)]))
            .sign(rsa.generate_private_key(public_exponent=65537, key_size=2048), hashes.SHA256())
            .public_bytes(serialization.Encoding.PEM).decode()})["data"]["csr"]
        (args.out_dir / f"{name}.csr").write_text(csr)
        certificate = self_signed_certificate(bao, mount, name, public_key, args.common_name, args.certificate_days)
        (args.out_dir / f"{name}.crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        print(f"Wrote {name}.csr (for a company CA) and {name}.crt (self-signed by Transit, valid "
              f"{args.certificate_days} days): upload one to the Call Center")
    write_policy(bao, mount, name, args.policy_name)

    if args.userpass_user:
        password = os.environ.get(args.password_env or "", "")
        if not password:
            parser.error("--userpass-user needs --password-env VAR with the password in $VAR")
        enable_auth(bao, "userpass")
        bao.call("POST", f"auth/userpass/users/{args.userpass_user}",
                 {"password": password, **token_settings(args.policy_name, args)})
        print(f"Userpass user {args.userpass_user} may sign with {name}")
    if args.oidc_discovery_url:
        secret = os.environ.get(args.oidc_client_secret_env or "", "")
        if not args.oidc_client_id or not secret:
            parser.error("OIDC needs --oidc-client-id and --oidc-client-secret-env VAR")
        enable_auth(bao, "oidc")
        bao.call("POST", "auth/oidc/config", {"oidc_discovery_url": args.oidc_discovery_url,
                                              "oidc_client_id": args.oidc_client_id,
                                              "oidc_client_secret": secret, "default_role": args.oidc_role})
        import json

        role = {"role_type": "oidc", "user_claim": args.oidc_user_claim, "allowed_redirect_uris": [
                    f"http://{host}:{args.oidc_callback_port}/oidc/callback" for host in ("localhost", "127.0.0.1")],
                "bound_audiences": [args.oidc_client_id], "oidc_scopes": ["openid", "email"],
                **token_settings(args.policy_name, args)}
        if args.oidc_bound_claims:
            role["bound_claims"] = json.loads(args.oidc_bound_claims)
        bao.call("POST", f"auth/oidc/role/{args.oidc_role}", role)
        print(f"OIDC role {args.oidc_role}: reps of {args.oidc_discovery_url} sign in with their browser")
    print(f"Done. Profile keys: signing = \"openbao\", openbao_url = \"{args.address}\", "
          f"openbao_transit_mount = \"{mount}\", openbao_key = \"{name}\"")
    return 0


if __name__ == "__main__":
    sys.exit(main())
