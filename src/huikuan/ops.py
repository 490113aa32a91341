"""Operations behind the command line: database set-up, users, server and worker."""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

WORKER_RETRY_S = 2.0  # pause before a worker polls again after losing the database


def pending_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def init_database(verbose: bool = True) -> None:
    """Create or migrate the database, company settings and static files; safe to run again."""
    from huikuan.ledger.models import CompanySettings

    call_command("migrate", interactive=False, verbosity=0)
    CompanySettings.current()
    call_command("collectstatic", interactive=False, verbosity=0)
    if verbose:
        print(f"数据库已就绪 / database ready: {describe_database()}")


def describe_database() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    return f"PostgreSQL {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


def create_user(
    username: str, *, role: str, password: str | None = None, team: str | None = None, name: str = ""
) -> Any:
    from huikuan.accounts.models import Role, Team, User
    from huikuan.accounts.roles import apply_role
    from huikuan.cli import CommandError

    password = password or os.environ.get("HUIKUAN_PASSWORD")
    user, _created = User.objects.get_or_create(username=username)
    user.role = role
    user.display_name = name or user.display_name
    if team:
        team_obj, _ = Team.objects.get_or_create(name=team)
        if role == Role.MANAGER:
            team_obj.managers.add(user)
        else:
            user.team = team_obj
    if password:
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        user.set_password(password)
        from huikuan.accounts.ratelimit import unlock

        unlock(username)  # an administrator who sets a new password also lifts a login lock-out
    elif _created:
        user.set_unusable_password()
    user.save()
    apply_role(user)
    return user


# Threads per gunicorn worker. Pages are CPU-bound Python: two threads overlap a database round
# trip, more only share the worker's interpreter lock and stretch the longest pages (PostgreSQL web
# bench, 2 workers: Customer 360 p95 143–146 ms with 2 threads against 193–209 ms with 4).
SERVE_THREADS = 2


def serve(host: str, port: int, workers: int | None = None, threads: int | None = None) -> None:
    """Run gunicorn in this process; static files are served by WhiteNoise from STATIC_ROOT."""
    from gunicorn.app.base import BaseApplication

    from huikuan.cli import CommandError
    from huikuan.web.collector import Settler, before_fork
    from huikuan.wsgi import application

    if pending_migrations():
        raise CommandError("数据库尚未初始化或需要升级，请先运行 huikuan init")
    if not (settings.STATIC_ROOT / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    cores = os.cpu_count() or 1
    options = {
        "bind": f"{host}:{port}",
        "workers": workers or min(2 * cores + 1, 9),
        "worker_class": "gthread",
        "threads": threads or SERVE_THREADS,
        "timeout": 120,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        # X-Forwarded-Proto (HTTPS) is believed only from these; the login rate limit uses the same list.
        "forwarded_allow_ips": ",".join(["127.0.0.1", *settings.TRUSTED_PROXIES]),
        "post_request": Settler().post_request,
    }

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    print(f"huikuan 正在服务 / serving on http://{host}:{port}/  (Ctrl+C 停止 / to stop)", flush=True)
    before_fork()
    Server().run()


def run_worker(batch: bool = False, queues: str = "*", schedule: bool | None = None) -> None:
    """Run queued tasks. A long-running worker also enqueues the daily run every morning at
    CompanySettings.daily_run_time (``schedule``; off by default with ``batch``)."""
    from huikuan.analytics.schedule import Scheduler, schedule_daily

    if schedule is None:
        schedule = not batch
    if schedule and batch:
        schedule_daily()
    elif schedule:
        Scheduler().start()
    from django.db import InterfaceError, OperationalError, connections

    while True:
        try:
            call_command(
                "db_worker",
                queue_name=queues,
                batch=batch,
                reload=False,
                startup_delay=not batch,
                verbosity=1,
            )
            return
        except (OperationalError, InterfaceError) as exc:
            if batch:
                raise
            # The database went away (restart, failover): the worker's poll failed. Wait and poll
            # again rather than exit, so it recovers without anyone restarting it.
            print(
                f"huikuan worker: 数据库不可用，稍后重试 / database unavailable, retrying: {exc}", flush=True
            )
            connections.close_all()
            time.sleep(WORKER_RETRY_S)
