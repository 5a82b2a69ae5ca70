"""SMS gateways for tests: the outside world replaced at the notify adapter (STYLE §6.12)."""

from dajuan.notify.senders import DeliveryFailed, SmsGateway

SENT: list[tuple[str, str]] = []
FAILURES = {"left": 0}


class RecordingGateway(SmsGateway):
    def send(self, phone: str, text: str) -> None:
        SENT.append((phone, text))


class FlakyGateway(SmsGateway):
    """Refuses the first FAILURES["left"] messages, then takes them."""

    def send(self, phone: str, text: str) -> None:
        if FAILURES["left"] > 0:
            FAILURES["left"] -= 1
            raise DeliveryFailed("gateway busy (503)")
        SENT.append((phone, text))
