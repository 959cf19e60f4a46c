"""Password hashing (argon2id) and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 128
_hasher = PasswordHasher()
# Compared against when the account does not exist, so a wrong user name costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("shenpi-no-such-account")


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(password)


def check_strength(password: object) -> None:
    if not isinstance(password, str) or not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidInput("password_length", field="password", min=MIN_LENGTH, max=MAX_LENGTH)
    if password.isdigit() or password.isalpha():
        raise InvalidInput("password_too_simple", field="password")


def verify(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
