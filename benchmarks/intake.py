"""Benchmark of intake through the JSON API (issue 5). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/intake.py                    # SQLite file in a temporary folder
    DAJUAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dajuan_bench .venv/bin/python benchmarks/intake.py
    .venv/bin/python benchmarks/intake.py --requests 5000 --concurrency 8 --workers 2

Starts gunicorn (`--workers` sync workers) on 127.0.0.1 against the target database, then POSTs
/api/cases from `--concurrency` client threads, each request with its own Idempotency-Key and the full
validation the API does for every integration. Prints cases created per second, p50/p95 latency and the
errors, then re-sends a sample of the keys to check that retries create nothing. The target database is
emptied first (it must be a scratch database).
"""

import argparse
import http.client
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import scratch

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare():
    connection = scratch.fresh_database()
    from django.core.management import call_command

    from dajuan.accounts.services import api_token_create
    from dajuan.cases.choices import LimitUnit, Priority
    from dajuan.cases.models import DeadlinePolicy

    call_command("createcachetable", verbosity=0)
    cast = scratch.cast()
    DeadlinePolicy.objects.create(category=None, priority=Priority.NORMAL, reply_limit=5,
                                  limit_unit=LimitUnit.WORKING_DAYS)
    token = api_token_create(user=cast.dispatcher, name="bench", by=cast.dispatcher)[1]
    connection.close()
    return token, connection.vendor


def _start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = dict(os.environ, DAJUAN_DEBUG="0", DAJUAN_ALLOWED_HOSTS="127.0.0.1", DAJUAN_SSL_REDIRECT="0",
               DAJUAN_LOG_LEVEL="WARNING", DAJUAN_DB_CONN_MAX_AGE="600")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "dajuan.wsgi", "--workers", str(workers),
         "--threads", str(threads), "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT, env=env)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def _cpu_of(pids: list[int]) -> float:
    """CPU seconds used so far by these processes (utime + stime from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _server_cpu(master: int) -> float:
    """CPU seconds used so far by gunicorn's master and workers: the figure the machine's other load does
    not change, unlike wall-clock throughput."""
    try:
        children = [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return float("nan")
    return _cpu_of([master, *children])


def _database_cpu() -> float | None:
    """CPU seconds used so far by the PostgreSQL backends serving this database (the server runs on this
    machine and shares its cores); None on SQLite, which runs inside the workers."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity"
                       " WHERE datname = current_database() AND pid <> pg_backend_pid()")
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return _cpu_of(pids)


def _own_cpu() -> float:
    """CPU seconds used so far by this process (the client threads), not by the server it started."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _body(i: int) -> bytes:
    return json.dumps({"title": f"小区路灯损坏 {i}", "content": "东关小区3号楼前路灯损坏多日，夜间出行不便。",
                       "category": "JS", "requester_name": "王先生", "requester_phone": f"139{i % 100000000:08d}",
                       "address": "花戏楼街道东关社区", "latitude": 33.8446, "longitude": 115.7794},
                      ensure_ascii=False).encode()


def _run(port: int, token: str, keys: list[str], concurrency: int) -> tuple[list[float], list[str], dict]:
    """POST one case per key; a key's body is made from its own number, so a re-sent key repeats its request."""
    latencies, errors, numbers = [], [], {}
    lock = threading.Lock()
    queue = [(int(key.rsplit("-", 1)[1]), key) for key in keys]

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                i, key = queue.pop()
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key,
                       "Content-Type": "application/json"}
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/cases", body=_body(i), headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    errors.append(repr(exc))
                continue
            elapsed = time.perf_counter() - started
            with lock:
                if response.status == 201:
                    latencies.append(elapsed)
                    numbers[key] = json.loads(payload)["number"]
                else:
                    errors.append(f"{response.status} {payload[:200]!r}")
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (gunicorn's gthread worker when > 1)")
    args = parser.parse_args()

    token, vendor = _prepare()
    port = _free_port()
    server = _start_server(port, args.workers, args.threads)
    try:
        _run(port, token, [f"warm-{i:06d}" for i in range(50)], args.concurrency)
        keys = [f"bench-{i:08d}" for i in range(args.requests)]
        started, cpu_before, load = time.perf_counter(), _server_cpu(server.pid), os.getloadavg()[0]
        client_before, database_before = _own_cpu(), _database_cpu()
        latencies, errors, numbers = _run(port, token, keys, args.concurrency)
        wall = time.perf_counter() - started
        server_cpu, client_cpu = _server_cpu(server.pid) - cpu_before, _own_cpu() - client_before
        database_cpu = _database_cpu() - database_before if database_before is not None else None
        sample = keys[:: max(1, len(keys) // 200)]
        _l, retry_errors, again = _run(port, token, sample, args.concurrency)
    finally:
        server.terminate()
        server.wait(timeout=30)

    from dajuan.cases.models import Case

    created = Case.objects.filter(source="api").count()
    print(f"database: {vendor}  ({os.environ['DAJUAN_DATABASE_URL'].split('@')[-1]})")
    print(f"gunicorn workers {args.workers} x {args.threads} threads, client concurrency {args.concurrency}, "
          f"requests {args.requests}")
    if latencies:
        ordered = sorted(latencies)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        print(f"created: {len(latencies)} in {wall:.2f} s = {len(latencies) / wall:.0f} cases/s; "
              f"latency p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
        per_case = server_cpu / len(latencies)
        print(f"server CPU {per_case * 1000:.2f} ms per case = {1 / per_case:.0f} cases per server CPU-second "
              f"(load average {load:.1f} when the run started; {os.cpu_count()} cores); "
              f"client CPU {client_cpu / len(latencies) * 1000:.2f} ms per case"
              + (f"; PostgreSQL backends' CPU {database_cpu / len(latencies) * 1000:.2f} ms per case"
                 if database_cpu is not None else ""))
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    same = sum(1 for k in sample if again.get(k) == numbers.get(k))
    print(f"retries: {len(sample)} re-sent keys -> {same} returned the first case, {len(retry_errors)} errors; "
          f"cases in the database: {created} (expected {len(numbers) + 50})")


if __name__ == "__main__":
    main()
