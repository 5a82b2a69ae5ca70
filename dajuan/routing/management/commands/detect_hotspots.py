from django.core.management.base import BaseCommand

from dajuan.routing.hotspots import hotspots_detect


class Command(BaseCommand):
    help = ("Look for hotspots (热点预警): grids, categories and places with many more cases in the last "
            "DAJUAN_HOTSPOT_WINDOW_DAYS than their own baseline. Raises or refreshes warnings and tells the "
            "responsible units. Run it hourly (cron or the worker); a re-run in the same window raises nothing new.")

    def handle(self, *args, **options):
        raised = hotspots_detect()
        for hotspot in raised:
            self.stdout.write(f"{hotspot.get_dimension_display()} {hotspot.label}: {hotspot.count} "
                              f"(baseline {hotspot.baseline}, score {hotspot.score}) → {hotspot.unit or '—'}")
        self.stdout.write(self.style.SUCCESS(f"{len(raised)} hotspot warning(s) open in this window."))
