from django.core.management.base import BaseCommand, CommandError

from dajuan.core.errors import DomainError
from dajuan.routing.actor import system_actor
from dajuan.routing.training import router_train


class Command(BaseCommand):
    help = ("Train a new version of the router (suggested category and lead unit) from the confirmed "
            "dispatches in the database, evaluate it on the fixed 20% held-out split and make it active. "
            "Running servers pick it up without a restart. Confidential cases are never used.")

    def add_arguments(self, parser):
        parser.add_argument("--inactive", action="store_true",
                            help="Store the new version without making it the active one.")

    def handle(self, *args, **options):
        try:
            model = router_train(by=system_actor(), activate=not options["inactive"],
                                 progress=lambda message: self.stdout.write(message))
        except DomainError as error:
            raise CommandError(str(error)) from error
        ev = model.evaluation
        self.stdout.write(self.style.SUCCESS(
            f"Router v{model.version} trained on {model.examples} confirmed dispatches in "
            f"{ev.get('train_seconds')} s ({ev.get('features')} features)" + (", active." if model.is_active else ".")))
        for head in ("category", "unit"):
            if scores := ev.get(head):
                self.stdout.write(f"  {head}: accuracy {scores['accuracy']:.4f}  macro-F1 {scores['macro_f1']:.4f}  "
                                  f"(held out {scores['held_out']})")
                for label, f1 in sorted(scores["per_class_f1"].items(), key=lambda kv: kv[1]):
                    self.stdout.write(f"    {label}: F1 {f1:.4f}")
