"""The password policy (CJIS IA-5 style): a minimum length, no only-spaces or few-distinct-character
passwords, a short banned list of common and compromised values, and never the user name."""

from __future__ import annotations

MIN_PASSWORD = 8
MIN_DISTINCT = 4  # "aaaaaaaa", "abababab" and "abcabcab" are guessed at once
# Printed in the README for the demo accounts: never acceptable for a real account.
PUBLISHED_DEMO_PASSWORD = "demo-pass-2026"
MAX_PASSWORD = 256


# A short banned list (CJIS IA-5: check against commonly used and compromised values).
_BANNED = {
    "password",
    "password1",
    "password123",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "qwertyuiop",
    "qwerty123",
    "iloveyou",
    "letmein1",
    "welcome1",
    "admin123",
    "changeme",
    "police123",
    "football",
    "sunshine",
    "abc12345",
}


def password_problems(password: str, username: str = "", *, demo_account: bool = False) -> list[str]:
    """What makes `password` unacceptable. The published demo password is accepted only for the demo
    generator's own accounts."""
    problems = []
    if len(password) < MIN_PASSWORD:
        problems.append(f"must be at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        problems.append(f"must be at most {MAX_PASSWORD} characters")
    if not password.strip():
        problems.append("must not be only spaces")
    elif len(set(password.lower())) < MIN_DISTINCT:
        problems.append(f"must use at least {MIN_DISTINCT} different characters")
    if password.lower() in _BANNED or (password == PUBLISHED_DEMO_PASSWORD and not demo_account):
        problems.append("is too common or published; choose another")
    if username and username.lower() in password.lower():
        problems.append("must not contain the user name")
    return problems
