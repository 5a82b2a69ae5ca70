"""Outgoing messages (notify). Backends are chosen by settings.DAJUAN_NOTIFY_BACKEND."""
