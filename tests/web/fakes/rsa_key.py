"""A throwaway RSA key for the DKIM test, made in Python (no openssl, no cryptography
package): two random probable primes (Miller-Rabin), the PKCS#1 private key in PEM and the
public key as the DNS record's ``p=`` value (an RSAPublicKey, which dkimpy accepts), in
DER (X.690: tag, length, value)."""

from __future__ import annotations

import base64
import random

INTEGER, SEQUENCE = 0x02, 0x30

SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p**0.5) + 1))]


def probable_prime(n: int, rng: random.Random, rounds: int = 40) -> bool:
    if n < 2:
        return False
    for p in SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def prime(bits: int, rng: random.Random, e: int) -> int:
    for _ in range(100_000):  # bounded: the expected number of tries is a few hundred
        n = rng.getrandbits(bits) | (3 << (bits - 2)) | 1  # top two bits set: full size
        if (n - 1) % e and probable_prime(n, rng):
            return n
    raise RuntimeError("no prime found")


def tlv(tag: int, value: bytes) -> bytes:
    """One DER element: the short length form below 128 octets, the long form above."""
    n = len(value)
    if n < 0x80:
        return bytes([tag, n]) + value
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + value


def der_integers(*values: int) -> bytes:
    """A DER SEQUENCE of non-negative INTEGERs."""
    body = bytearray()
    for v in values:  # bit_length // 8 + 1 bytes leave room for a positive sign bit
        body += tlv(INTEGER, _minimal(v.to_bytes(v.bit_length() // 8 + 1, "big")))
    return tlv(SEQUENCE, bytes(body))


def _minimal(raw: bytes) -> bytes:
    """Drop redundant leading zero bytes (DER), keeping one when the next byte's top bit
    is set."""
    while len(raw) > 1 and raw[0] == 0 and raw[1] < 0x80:
        raw = raw[1:]
    return raw


def rsa_key(bits: int = 1024, seed: int | None = None) -> tuple[bytes, str]:
    """(PEM private key, base64 DER public key for ``v=DKIM1; k=rsa; p=...``)."""
    rng = random.Random(seed)
    e = 65537
    while True:
        p, q = prime(bits // 2, rng, e), prime(bits // 2, rng, e)
        n = p * q
        if p != q and n.bit_length() == bits:
            break
    d = pow(e, -1, (p - 1) * (q - 1))
    der = der_integers(0, n, e, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p))
    b64 = base64.encodebytes(der).decode().replace("\n", "")
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    pem = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + \
        "\n-----END RSA PRIVATE KEY-----\n"
    public = der_integers(n, e)
    return pem.encode(), base64.b64encode(public).decode()
