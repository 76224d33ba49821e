"""Secrets stored by the tenant (its SMTP password) encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

The key is derived from SECRET_KEY with HKDF and a purpose of its own, so it is never SECRET_KEY itself, and
a password encrypted under a SECRET_KEY now in SECRET_KEY_FALLBACKS still decrypts after a key rotation.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PURPOSE = b"saas.mailing.smtp-password"


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _keys() -> MultiFernet:
    return MultiFernet([_fernet(key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]])


def encrypt(plain: str) -> str:
    return _keys().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """The plain secret; InvalidToken when no current or past SECRET_KEY opens it."""
    return _keys().decrypt(token.encode()).decode()


__all__ = ["InvalidToken", "decrypt", "encrypt"]
