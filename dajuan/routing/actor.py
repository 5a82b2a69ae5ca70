"""The account the router acts as when it dispatches on its own or is trained by a job: a dispatcher
without a password (org.services.system_account)."""

from dajuan.org.choices import Role
from dajuan.org.services import system_account

SYSTEM_USERNAME = "system-router"


def system_actor():
    return system_account(username=SYSTEM_USERNAME, full_name="智能分派（自动）", role=Role.DISPATCHER,
                          title="智能分派", purpose="training or running the router")
