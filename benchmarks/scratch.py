"""What the benchmarks do first. Importing this module points Django at the settings (a temporary SQLite
file unless DAJUAN_DATABASE_URL names a scratch database); `fresh_database()` empties and migrates it;
`cast()` builds the test cast and a category led by the housing bureau."""

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dajuan.settings")
os.environ.setdefault("DAJUAN_SECRET_KEY", "benchmark-only-" + "x" * 40)
if "DAJUAN_DATABASE_URL" not in os.environ:
    os.environ["DAJUAN_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='dajuan-bench-')}/bench.sqlite3"


def fresh_database():
    """Set Django up, empty the database (it must be a scratch one) and migrate it; return the connection."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if "cases_case" in connection.introspection.table_names():
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return connection


def cast():
    """The test cast (dajuan.testing.build_cast) on an object, with `category` (城乡建设, led by 住建局)."""
    from dajuan.cases.models import Category
    from dajuan.testing import build_cast

    class Cast:
        pass

    build_cast(Cast)
    Cast.category = Category.objects.create(code="JS", name="城乡建设", default_lead_unit=Cast.housing)
    return Cast
