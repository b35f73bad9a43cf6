"""Short codes people read aloud or copy from a projector. Pure logic, no Flask."""

import secrets

# No look-alikes: 0/O, 1/I/L, and no S/5 or Z/2 confusion on handwriting-style fonts.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"


def new_code(length: int = 6) -> str:
    """Return a random code of `length` characters from ALPHABET."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(raw: str) -> str:
    """Return a typed code upper-cased without spaces or dashes, for comparing."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())
