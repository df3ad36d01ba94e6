"""Backup and restore of a whole deployment: the database and the data directory's files.

A backup is one .zip:
    manifest.json         what it holds: format, time, database vendor, every member's size and SHA-256
    database.sqlite3      SQLite: a consistent copy made with SQLite's online backup API while the
                          server keeps running (readers and writers are not stopped)
    database.sql          PostgreSQL: `pg_dump` (plain SQL, no owner or privileges) of one snapshot
    secret_key            the generated key of the data directory, when there is one
    files/…               every uploaded and generated file (MEDIA_ROOT), copied after the database,
                          so every file the copied database names is there

`restore` checks every member against the manifest before it writes anything, and only writes into
an empty deployment (no tables in the database, no files), so a restore never mixes two states.
The database is copied as it is, not dumped row by row and loaded again through the application,
so archived (read-only) meetings and the append-only audit log come back exactly as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.sql"
SECRET_MEMBER = "secret_key"
FILES_PREFIX = "files/"


class BackupError(Exception):
    """A Chinese message for the person running the command."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    files: int
    size: int


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"找不到 PostgreSQL 的 {name} 命令：请安装与数据库版本相同的 PostgreSQL 客户端（如 postgresql-client）"
        )
    return path


def _copy_database(work: Path) -> str:
    """The database into `work`; returns the member's name."""
    if connection.vendor == "sqlite":
        target = work / SQLITE_MEMBER
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            # The online backup API: a consistent snapshot while other connections keep writing.
            connection.connection.backup(destination)
        finally:
            destination.close()
        return SQLITE_MEMBER
    if connection.vendor == "postgresql":
        target = work / PG_MEMBER
        result = subprocess.run(
            [_pg_tool("pg_dump"), "--no-owner", "--no-privileges", "--encoding=UTF8", "-f", str(target)],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
        return PG_MEMBER
    raise BackupError(f"不支持的数据库：{connection.vendor}")


def _data_files() -> list[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return [(p, FILES_PREFIX + p.relative_to(root).as_posix()) for p in sorted(root.rglob("*")) if p.is_file()]


def backup(output: Path) -> BackupResult:
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} 已存在，请换一个文件名（备份不覆盖已有文件）")
    with tempfile.TemporaryDirectory(prefix="mingjing-backup-") as tmp:
        work = Path(tmp)
        members: list[tuple[Path, str]] = []
        db_member = _copy_database(work)
        members.append((work / db_member, db_member))
        secret = Path(settings.DATA_DIR) / "secret_key"
        if secret.exists():
            members.append((secret, SECRET_MEMBER))
        members += _data_files()  # after the database: every file it names already exists
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "database": db_member,
            "algorithm": "sha256",
            "members": {name: {"size": path.stat().st_size, "sha256": sha256_file(path)} for path, name in members},
        }
        partial = output.with_name(output.name + ".part")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
            for path, name in members:
                archive.write(path, name)
        partial.replace(output)
    files = sum(1 for _path, name in members if name.startswith(FILES_PREFIX))
    return BackupResult(path=output, files=files, size=output.stat().st_size)


# --- restore -------------------------------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        raise BackupError("这不是明镜的备份文件（缺少 manifest.json）") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持")
    return manifest


def verify_archive(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Every member present, none added, each with the size and SHA-256 the manifest names."""
    names = {i.filename for i in archive.infolist() if not i.is_dir()} - {MANIFEST}
    listed = set(manifest["members"])
    if names != listed:
        extra, missing = sorted(names - listed), sorted(listed - names)
        raise BackupError(f"备份文件与清单不符：多出 {extra or '无'}，缺少 {missing or '无'}")
    for name in sorted(listed):
        if name.startswith("/") or ".." in Path(name).parts:
            raise BackupError(f"备份中有不安全的路径：{name}")
        digest = hashlib.sha256()
        size = 0
        with archive.open(name) as handle:
            for block in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
        expected = manifest["members"][name]
        if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
            raise BackupError(f"备份已损坏或被改动：{name} 的哈希与清单不符")


def _database_empty() -> bool:
    return not connection.introspection.table_names()


def _files_empty() -> bool:
    root = Path(settings.MEDIA_ROOT)
    return not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def restore(source: Path) -> dict:
    source = Path(source)
    if not source.exists():
        raise BackupError(f"找不到备份文件 {source}")
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise BackupError(f"{source} 不是有效的备份文件") from exc
    with archive:
        manifest = read_manifest(archive)
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"备份来自 {manifest['vendor']} 数据库，当前配置的是 {connection.vendor}：请按备份时的数据库配置恢复"
            )
        verify_archive(archive, manifest)
        if not _database_empty() or not _files_empty():
            raise BackupError(
                f"数据目录或数据库不是空的（{settings.DATA_DIR}）：恢复只写入全新的部署，"
                "请指定一个空的数据目录（MINGJING_DATA_DIR）或空的数据库"
            )
        if manifest["vendor"] == "sqlite":
            _restore_sqlite(archive)
        else:
            _restore_postgres(archive)
        if SECRET_MEMBER in manifest["members"]:
            secret = Path(settings.DATA_DIR) / "secret_key"
            secret.write_bytes(archive.read(SECRET_MEMBER))
            secret.chmod(0o600)
        media = Path(settings.MEDIA_ROOT)
        for name in manifest["members"]:
            if name.startswith(FILES_PREFIX):
                target = media / name[len(FILES_PREFIX) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
    return manifest


def _restore_sqlite(archive: zipfile.ZipFile) -> None:
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    partial = target.with_name(target.name + ".restoring")
    with archive.open(SQLITE_MEMBER) as src, partial.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    check = sqlite3.connect(partial)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("备份中的 SQLite 数据库未通过完整性检查")
    finally:
        check.close()
    partial.replace(target)


def _restore_postgres(archive: zipfile.ZipFile) -> None:
    with tempfile.TemporaryDirectory(prefix="mingjing-restore-") as tmp:
        dump = Path(tmp) / PG_MEMBER
        with archive.open(PG_MEMBER) as src, dump.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        connection.close()
        result = subprocess.run(
            [_pg_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", str(dump)],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"psql 恢复失败：{result.stderr.strip()}")
