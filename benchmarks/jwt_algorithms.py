"""Sign and verify cost and token size of each JWT algorithm identity supports, with PyJWT and
prepared key objects (the way identity uses them). Run: ``.venv/bin/python benchmarks/jwt_algorithms.py``.

Machines are shared and noisy: compare the ratios printed by one run, not absolute times."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

CLAIMS_BASE = {
    "iss": "http://localhost:8000",
    "aud": "demo-api",
    "sub": "42",
    "client_id": "identity",
    "scope": "api",
}


def median_us(func: Callable[[], object], batch: int = 200, rounds: int = 15) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(batch):
            func()
        samples.append((time.perf_counter() - start) / batch * 1e6)
    return statistics.median(samples)


def keys() -> dict[str, tuple[object, object, float]]:
    out = {}
    for alg, make in {
        "HS256": lambda: b"k" * 32,
        "RS256": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ES256": lambda: ec.generate_private_key(ec.SECP256R1()),
        "EdDSA": lambda: ed25519.Ed25519PrivateKey.generate(),
    }.items():
        start = time.perf_counter()
        private = make()
        gen_ms = (time.perf_counter() - start) * 1e3
        public = private if alg == "HS256" else private.public_key()  # type: ignore[union-attr]
        out[alg] = (private, public, gen_ms)
    return out


def measure(alg: str, private: object, public: object) -> tuple[float, float, int]:
    now = int(time.time())
    claims = {**CLAIMS_BASE, "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex}
    headers = {"kid": "k1", "typ": "at+jwt"}
    token = jwt.encode(claims, private, algorithm=alg, headers=headers)  # type: ignore[arg-type]
    options = {"require": ["exp", "iat", "iss", "aud", "sub", "jti"]}

    def sign() -> object:
        return jwt.encode(claims, private, algorithm=alg, headers=headers)  # type: ignore[arg-type]

    def verify() -> object:
        return jwt.decode(
            token,
            public,  # type: ignore[arg-type]
            algorithms=[alg],
            audience="demo-api",
            issuer="http://localhost:8000",
            options=options,  # type: ignore[arg-type]
        )

    return median_us(sign), median_us(verify), len(token)


def main() -> None:
    rows = []
    for alg, (private, public, gen_ms) in keys().items():
        sign_us, verify_us, size = measure(alg, private, public)
        rows.append((alg, sign_us, verify_us, size, gen_ms))
    base = next(r for r in rows if r[0] == "RS256")
    print(f"{'alg':6} {'sign µs':>9} {'verify µs':>10} {'bytes':>6} {'keygen ms':>10}  vs RS256 sign/verify/size")
    for alg, sign_us, verify_us, size, gen_ms in rows:
        print(
            f"{alg:6} {sign_us:9.1f} {verify_us:10.1f} {size:6d} {gen_ms:10.2f}  "
            f"{sign_us / base[1]:.2f}× / {verify_us / base[2]:.2f}× / {size / base[3]:.2f}×"
        )
    # Cost per token over its life: one signature, then one cold verification per process that sees it
    # (identity's verified-token cache answers the repeats).
    print("\nsign + N cold verifications (µs):")
    print(f"{'alg':6} " + " ".join(f"{'N=' + str(n):>8}" for n in (1, 4, 8, 16, 32)))
    for alg, sign_us, verify_us, _size, _gen in rows:
        print(f"{alg:6} " + " ".join(f"{sign_us + n * verify_us:8.0f}" for n in (1, 4, 8, 16, 32)))


if __name__ == "__main__":
    main()
