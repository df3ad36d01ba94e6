"""The `mingjing` console script: the project's management commands under one name.

`mingjing --help` lists 明镜's own commands; any other Django command (migrate, check,
createsuperuser …) passes through unchanged.
"""

from __future__ import annotations

import os
import sys


def _own_commands() -> list[tuple[str, str]]:
    from django.core.management import get_commands, load_command_class

    rows = []
    for name, app in sorted(get_commands().items()):
        if app.startswith("mingjing."):
            command = load_command_class(app, name)
            rows.append((name, (command.help or "").strip().splitlines()[0] if command.help else ""))
    return rows


def print_help() -> None:
    import django

    django.setup()
    print("明镜 — 民主生活会全流程管理系统\n")
    print("用法: mingjing <命令> [选项]    （mingjing <命令> --help 查看命令的选项）\n")
    print("命令:")
    rows = _own_commands()
    width = max(len(name) for name, _ in rows) if rows else 10
    for name, text in rows:
        print(f"  {name.ljust(width)}  {text}")
    print("\nDjango 自带的管理命令（如 migrate、check、createsuperuser）同样可用。")


# Commands that make sense on a database that was never migrated (they create or replace it, or
# do not touch it).
WITHOUT_DATABASE = {
    "migrate", "makemigrations", "showmigrations", "sqlmigrate", "check", "test", "restore",
    "version", "--version", "dbshell", "collectstatic", "findstatic", "diffsettings",
}  # fmt: skip
NOT_MIGRATED = (
    "数据库还没有初始化（从未运行过迁移）：{where}\n"
    "请先运行 mingjing migrate 建立数据表，再运行 mingjing setup 创建顶层单位和管理员"
    "（只想看看演示：迁移之后运行 mingjing demo）。"
)


def never_migrated() -> str | None:
    """Where the database is, when it has no tables of 明镜's (never migrated); else None."""
    import django
    from django.db import connection
    from django.db.utils import OperationalError

    django.setup()
    where = str(connection.settings_dict["NAME"])
    try:
        tables = connection.introspection.table_names()
    except OperationalError as exc:
        return f"{where}（{exc}）"
    return where if "django_migrations" not in tables or "audit_auditevent" not in tables else None


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingjing.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print_help()
        return
    if args[0] not in WITHOUT_DATABASE and "-h" not in args and "--help" not in args:
        where = never_migrated()
        if where is not None:
            print(NOT_MIGRATED.format(where=where), file=sys.stderr)
            raise SystemExit(1)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mingjing", *args])


if __name__ == "__main__":
    main()
