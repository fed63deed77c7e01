"""Demo mode: the embedded simulator, a built-in profile and a key that lives only in memory.

It touches no keyring and no real org, so trainers and `route --demo` need nothing set up.
"""

import random
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from app.core.calls import CallSource, IncomingCall
from app.core.ids import checksum_suffix
from app.core.profile import Profile
from app.core.signing import TokenMinter, TokenSpec
from app.core.signing.rsa_key import RsaKeySigner
from app.simulator.server import Simulator

DEMO_PROFILE_NAME = "demo"
DEMO_ORG_ID = "00D5g00000DEMO1" + checksum_suffix("00D5g00000DEMO1")
DEMO_CALL_CENTER = "DemoContactCenter"
DEMO_PROVIDER = "Demo Telephony"
_ID_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def new_demo_call_id(rng: random.Random | None = None) -> str:
    """A fresh, valid 18-character VoiceCall ID for a simulated incoming call."""
    rng = rng or random.Random()
    id15 = "0LQ5g0000" + "".join(rng.choices(_ID_CHARACTERS, k=6))
    return id15 + checksum_suffix(id15)


_CALLERS = (
    ("Margaret O'Connor", "+353 1 555 0142", "a double charge on her last bill"),
    ("José Luis Fernández", "+34 91 555 0187", "wants to upgrade his broadband plan"),
    ("Aiko Tanaka", "+81 3 5550 0163", "a delivery that has not arrived"),
    ("Oluwaseun Adeyemi", "+44 20 7946 0321", "locked out of the online account"),
    ("Zoë Lefèvre", "+33 1 55 50 01 29", "cancelling a subscription"),
    ("Krzysztof Wiśniewski", "+48 22 555 01 77", "a router that keeps dropping"),
    ("Priya Raghunathan", "+1 415 555 0199", "a refund for a returned order"),
    ("Dmitri Volkov", "+49 30 5550 1844", "questions about a business contract"),
)


@dataclass(frozen=True, slots=True)
class DemoCaller:
    """Who is on the line in a simulated incoming call (made up; shown only in demo mode)."""

    name: str
    number: str
    reason: str

    def describe(self) -> str:
        return f"{self.name} · {self.number} · {self.reason}"


def new_demo_caller(rng: random.Random | None = None) -> DemoCaller:
    return DemoCaller(*(rng or random.Random()).choice(_CALLERS))


def new_demo_call(rng: random.Random | None = None) -> IncomingCall:
    """A simulated incoming call: a fresh VoiceCall ID and who is on the line."""
    return IncomingCall(new_demo_call_id(rng), CallSource.DEMO, new_demo_caller(rng).describe())


@dataclass
class DemoEnvironment:
    simulator: Simulator
    profile: Profile
    key: RSAPrivateKey

    def minter(self) -> TokenMinter:
        """Tokens signed with the demo's in-memory key, which the simulator trusts."""
        return TokenMinter(RsaKeySigner(lambda: self.key), TokenSpec(issuer=DEMO_ORG_ID, subject=DEMO_CALL_CENTER))

    def close(self) -> None:
        self.simulator.stop()


def start_demo(timeout_s: float = 10.0) -> DemoEnvironment:
    """Generate an in-memory key, start the simulator trusting it, and build the demo profile."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    simulator = Simulator(
        public_keys=[key.public_key()], org_id=DEMO_ORG_ID, call_center=DEMO_CALL_CENTER
    ).start()
    profile = Profile(
        name=DEMO_PROFILE_NAME,
        base_url=simulator.base_url,
        org_id=DEMO_ORG_ID,
        call_center=DEMO_CALL_CENTER,
        provider_name=DEMO_PROVIDER,
        timeout_s=timeout_s,
    )
    return DemoEnvironment(simulator, profile, key)
