import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from dajuan.demo.replay import ReplayContext, replay


class Command(BaseCommand):
    help = (
        "Load the demo district (谯城区) through the real services: units, people and, as dajuan grows, "
        "a replayed year. Runs only the steps this database has not had yet, so running it again is "
        "cheap. New log-ins get random passwords, printed once and kept in var/demo-logins.txt (mode 600)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        ctx = ReplayContext(say=lambda line: self.stdout.write(line))
        ran = replay(ctx)
        for name, summary in ran:
            self.stdout.write(f"  {name}: {summary}")
        logins_file = settings.VAR_DIR / "demo-logins.txt"
        if ctx.logins:
            logins_file.parent.mkdir(parents=True, exist_ok=True)
            with open(logins_file, "a", encoding="utf-8") as out:
                os.chmod(logins_file, 0o600)
                for username, password, description in ctx.logins:
                    out.write(f"{username}\t{password}\t{description}\n")
            self.stdout.write(self.style.SUCCESS(f"Demo log-ins (shown once; also in {logins_file}):"))
            for username, password, description in ctx.logins:
                self.stdout.write(f"  {username:<12} {password:<18} {description}")
        elif logins_file.exists():
            self.stdout.write(f"Demo district already loaded; its log-ins are in {logins_file}.")
        else:
            self.stdout.write("Demo district already loaded; reset a password with `dajuan changepassword USER`.")
        self.stdout.write(f"demo_load finished in {time.monotonic() - started:.1f} s")
