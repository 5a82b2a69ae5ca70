"""Outgoing messages (notify): the per-person outbox written with the event that causes it and
delivered by the worker (models, services, senders), and, for now, group messages to 政企直通车 groups
(backends.py, chosen by settings.DAJUAN_NOTIFY_BACKEND) sent after the reply commits."""
