"""Signed permit tokens: what a QR code carries and any checkpoint can verify without a network.

Token = base64url(payload JSON) + "." + base64url(Ed25519 signature of the payload bytes), no
padding. The payload holds the key id (`k`), so a key can be rotated: settings name the current key
(`PERMIT_KEY_ID`, private key `PERMIT_SIGNING_KEY`) and keep earlier public keys
(`PERMIT_OLD_PUBLIC_KEYS`). Payload fields (short names keep the QR code small):

    v 1 · k key id · n permit number · p plate · s / e validity window (Unix seconds) ·
    c enterprise · t destination town · o origin · r route · x kind ("direct" | "transfer") ·
    m people [[name, role, last 4 of ID]]

The checkpoint page (static/permits/checkpoint.js) implements `verify` the same way with tweetnacl.
"""

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = 1


def b64e(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text):
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw_public(public_key):
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def generate_private_key_text():
    key = Ed25519PrivateKey.generate()
    return b64e(key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                  serialization.NoEncryption()))


def _generated_key(path):
    """The key made once for this installation in var/ (mode 0600): written to a temporary file and
    linked into place, so parallel workers never read a half-written key or make two keys."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(generate_private_key_text() + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            tmp.unlink()
    return path.read_text().strip()


def _private_key():
    text = settings.PERMIT_SIGNING_KEY
    if not text:
        path = settings.PERMIT_DEV_KEY_FILE
        if path is None:
            raise ImproperlyConfigured("PERMIT_SIGNING_KEY is not set")
        text = _generated_key(Path(path))
    try:
        raw = b64d(text)
        return Ed25519PrivateKey.from_private_bytes(raw)
    except ValueError as e:
        raise ImproperlyConfigured("PERMIT_SIGNING_KEY is not a base64url 32-byte Ed25519 private key") from e


def public_keys():
    """{key id: base64url raw public key}: the current key and the rotated-out ones still accepted."""
    keys = dict(settings.PERMIT_OLD_PUBLIC_KEYS)
    keys[settings.PERMIT_KEY_ID] = b64e(_raw_public(_private_key().public_key()))
    return keys


def sign(payload):
    """A token for `payload` (a dict), signed with the current key."""
    body = dict(payload, v=VERSION, k=settings.PERMIT_KEY_ID)
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    return f"{b64e(data)}.{b64e(_private_key().sign(data))}"


class TokenError(ValueError):
    """A token that is not a valid signed permit; the message is for the inspector (Chinese)."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Verified:
    payload: dict

    @property
    def number(self):
        return self.payload.get("n", "")


def verify(token, keys=None):
    """The token's payload if its signature holds under a known key; TokenError otherwise.

    Checks the signature only: validity window, revocation and entries are the caller's
    (`services.check_token`), since they depend on the time and the database.
    """
    keys = public_keys() if keys is None else keys
    token = (token or "").strip()
    parts = token.split(".")
    if len(parts) != 2 or not all(parts):
        raise TokenError("不是有效的通行证二维码（格式不符）", "format")
    try:
        data, signature = b64d(parts[0]), b64d(parts[1])
        payload = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise TokenError("通行证二维码内容损坏，无法识别", "format") from e
    if not isinstance(payload, dict) or payload.get("v") != VERSION:
        raise TokenError("不是有效的通行证二维码（版本不符）", "format")
    key_text = keys.get(str(payload.get("k")))
    if key_text is None:
        raise TokenError("签名密钥未知（可能是伪造的二维码，或卡口页面的公钥需要更新）", "unknown_key")
    try:
        Ed25519PublicKey.from_public_bytes(b64d(key_text)).verify(signature, data)
    except (InvalidSignature, ValueError) as e:
        raise TokenError("签名校验未通过：二维码被篡改或伪造", "signature") from e
    return Verified(payload)
