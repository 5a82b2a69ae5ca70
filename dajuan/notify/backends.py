"""Where outgoing group messages go. `console` (the default) writes them to the log, for a district
without a messaging gateway yet; `locmem` keeps them in `outbox` for tests (like Django's mail
outbox); a real enterprise-WeChat sender is another class with the same `send` method."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("dajuan.notify")
outbox: list["GroupMessage"] = []


@dataclass(frozen=True)
class GroupMessage:
    group: str  # the group's code
    text: str


class ConsoleBackend:
    def send(self, message: GroupMessage) -> None:
        logger.info("group %s ← %s", message.group, message.text)


class LocmemBackend:
    def send(self, message: GroupMessage) -> None:
        outbox.append(message)


BACKENDS = {"console": ConsoleBackend, "locmem": LocmemBackend}


def group_message_send(group_code: str, text: str) -> None:
    name = getattr(settings, "DAJUAN_NOTIFY_BACKEND", "console")
    backend = BACKENDS[name] if name in BACKENDS else import_string(name)
    backend().send(GroupMessage(group=group_code, text=text))
