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


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingjing.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print_help()
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mingjing", *args])


if __name__ == "__main__":
    main()
