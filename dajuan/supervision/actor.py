"""The account the sweep acts as: a supervisor without a password (org.services.system_account)."""

from dajuan.org.choices import Role
from dajuan.org.services import system_account

SYSTEM_USERNAME = "system-supervision"


def system_actor():
    return system_account(username=SYSTEM_USERNAME, full_name="督查系统（自动）", role=Role.SUPERVISOR,
                          title="自动督查", purpose="running the supervision sweep")
