"""`event_recorded` is sent by ledger.record for every event, inside the transaction that writes it.

Receivers (the notification outbox, the figures' rollups, …) write in that same transaction, so an
event and everything derived from it are committed together or not at all. A receiver must not call a
transition (they are durable) and must stay cheap: it runs on every write of the loop.
"""

from django.dispatch import Signal

# kwargs: event (cases.Event, saved), case (cases.Case, already updated to the event's version)
event_recorded = Signal()
