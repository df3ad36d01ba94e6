"""`mingjing serve`: the web server, on every core.

On Linux (and other POSIX systems) gunicorn runs `--workers` processes (default: the number of cores),
each with `--threads` threads; on Windows, where gunicorn does not run, waitress serves from one process.
Static files are served by whitenoise inside the application either way. The periodic reminder run
(`mingjing remind`, every MINGJING_REMIND_INTERVAL seconds, 0 = off) starts in every process and runs in
the one that holds the lock file (mingjing/reminders/periodic.py).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import CommandError

from mingjing.lib.management import MingjingCommand

READY = "服务已就绪，可以访问"


def default_workers() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


def multiprocess_available() -> bool:
    """gunicorn runs on POSIX systems only; waitress is the fallback (Windows intranets)."""
    if os.name != "posix":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def freeze_loaded_objects() -> None:
    """Load every view module (through the URLconf), collect, then freeze what is loaded: the cyclic
    garbage collector no longer walks Django's and 明镜's long-lived objects each time a request's
    garbage triggers a full collection, and forked workers keep sharing those memory pages (gc.freeze,
    as Python's documentation advises for a server that forks)."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every app's views
    gc.collect()
    gc.freeze()


def gunicorn_options(*, host: str, port: int, workers: int, threads: int) -> dict:
    from mingjing.reminders import periodic

    def post_fork(server, worker) -> None:  # noqa: ARG001 - gunicorn's hook signature
        periodic.start()

    def when_ready(server) -> None:  # noqa: ARG001 - the port is open: requests wait for a worker from now on
        print(READY, flush=True)

    shown = f"[{host}]" if ":" in host else host
    return {
        "bind": [f"{shown}:{port}"],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        # Generous for the slow pages (the archive box, a large import); gunicorn restarts a stuck worker.
        "timeout": 300,
        "graceful_timeout": 30,
        "keepalive": 5,
        "proc_name": "mingjing",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "post_fork": post_fork,
        "when_ready": when_ready,
    }


def run_gunicorn(application, options: dict) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    # The workers are forked from this process: none of them may share its database connections.
    from django.db import connections

    connections.close_all()
    Server().run()


class Command(MingjingCommand):
    help = "启动网页服务（Linux 上多进程 gunicorn，Windows 上 waitress；默认 http://127.0.0.1:8000）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；内网服务用 0.0.0.0）")
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument(
            "--workers", type=int, default=None, help="工作进程数（默认等于 CPU 核数；Windows 上只用一个进程）"
        )
        # 4, not more: the threads of a process share one interpreter lock, so beyond a few they only
        # queue for it (bench/load.py on 2 cores, 50 users: p95 about 75 ms with 4, about 100 ms with 8).
        parser.add_argument("--threads", type=int, default=4, help="每个进程的线程数（默认 4）")

    def handle(self, *args, host: str, port: int, workers: int | None, threads: int, **options) -> None:
        workers = default_workers() if workers is None else workers
        if workers < 1 or threads < 1:
            raise CommandError("--workers 和 --threads 须为正整数")
        from mingjing.wsgi import application

        freeze_loaded_objects()
        shown = f"[{host}]" if ":" in host else host
        multi = multiprocess_available()
        how = f"{workers}个进程×{threads}个线程" if multi else f"单进程×{threads}个线程"
        self.stdout.write(
            f"明镜已启动：http://{shown}:{port}/    （{how}；数据目录：{settings.DATA_DIR}；按 Ctrl+C 停止）"
        )
        self.stdout.flush()
        if multi:
            run_gunicorn(application, gunicorn_options(host=host, port=port, workers=workers, threads=threads))
            return
        from waitress import serve

        from mingjing.reminders import periodic

        periodic.start()
        serve(application, host=host, port=port, threads=threads, ident="mingjing")
