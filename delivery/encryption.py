"""Encrypts parameter values as receivers expect them (see EncryptionAlgorithm's description).

CFB is CFB128 as OpenSSL's aes-*-cfb; GCM appends the 16-byte tag and uses no additional
data. The value's text form is encrypted and sent as standard base64.
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.models import EncryptionAlgorithm


def encrypt_value(
    algorithm: EncryptionAlgorithm, key: bytes, iv: bytes, text: str, random_iv: bool
) -> str:
    if random_iv:
        iv = os.urandom(len(iv))
    plain = text.encode()
    if algorithm.mode == "GCM":
        sealed = AESGCM(key).encrypt(iv, plain, None)
    else:
        encryptor = Cipher(algorithms.AES(key), CFB(iv)).encryptor()
        sealed = encryptor.update(plain) + encryptor.finalize()
    return base64.b64encode((iv if random_iv else b"") + sealed).decode()
