from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dajuan.routing.similar import index_snapshot_write
from dajuan.routing.suggestions import active_router


class Command(BaseCommand):
    help = ("Build the similar-case index from every case and write its snapshot to "
            "DAJUAN_SIMILARITY_SNAPSHOT, which servers load on first use instead of building the index "
            "(minutes at a million cases). Also checks that the active router version loads. Run it after "
            "deploying and after bulk imports; `dajuan worker` runs it at start and every --index-every seconds.")

    def handle(self, *args, **options):
        if not settings.DAJUAN_SIMILARITY_SNAPSHOT:
            raise CommandError("DAJUAN_SIMILARITY_SNAPSHOT is empty: set it to a file path (on storage every "
                               "server can read) to write the snapshot.")
        self.stdout.write(f"Building the similar-case index into {settings.DAJUAN_SIMILARITY_SNAPSHOT}…")
        written = index_snapshot_write()
        self.stdout.write(self.style.SUCCESS(f"{written['cases']} cases indexed in {written['seconds']} s."))
        loaded = active_router()
        self.stdout.write(f"Active router: v{loaded[0]}." if loaded else "No router trained yet (dajuan train_router).")
