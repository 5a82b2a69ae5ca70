"""Loaded by pytest before Django (`-p dajuan.pytest_env` in pyproject): tests run the production
settings (DEBUG off) and need only a key; HTTPS redirection and hashed static names are
production deployment concerns checked by `dajuan check --deploy` (see core tests)."""

import os

os.environ.setdefault("DAJUAN_SECRET_KEY", "tests-only-" + "x" * 50)
os.environ.setdefault("DAJUAN_SSL_REDIRECT", "0")
os.environ.setdefault("DAJUAN_STATIC_MANIFEST", "0")
