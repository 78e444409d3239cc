"""A throw-away PostgreSQL server for the tests, and LiteLLM's spend-log table created from its Prisma schema.

The server runs from Debian's ``postgresql`` package (``initdb``, ``pg_ctl``, ``postgres`` on the PATH,
in /usr/local/bin or in /usr/lib/postgresql/<version>/bin), on 127.0.0.1 and a free port, with its
data folder in a temporary folder that is removed afterwards. PostgreSQL refuses to run as root, and
the tests run as root here and in CI: then the server runs as the unprivileged ``postgres`` user (or
``nobody``) through ``runuser`` or ``setpriv``.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "PostgreSQL is not installed: apt-get install postgresql (or conda install postgresql) to run these tests"

PRISMA_SCHEMA = Path(__file__).parent / "fixtures" / "litellm_spendlogs.prisma"

_PRISMA_TYPES = {"String": "TEXT", "Float": "DOUBLE PRECISION", "Int": "INTEGER", "DateTime": "TIMESTAMP(3)",
                 "Json": "JSONB", "Boolean": "BOOLEAN", "BigInt": "BIGINT"}


def postgres_bin() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    candidates = ([Path(found).resolve().parent] if found else []) + [
        Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                                key=lambda p: int(re.sub(r"\D", "", p) or 0), reverse=True)]
    for folder in candidates:
        if all((folder / exe).exists() for exe in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def create_table_sql(schema: Path = PRISMA_SCHEMA) -> str:
    """``CREATE TABLE "LiteLLM_SpendLogs"`` from the model's fields, as Prisma's migration would make it.

    >>> sql = create_table_sql()
    >>> '"completionStartTime" TIMESTAMP(3)' in sql, '"startTime" TIMESTAMP(3) NOT NULL' in sql
    (True, True)
    """
    text = schema.read_text()
    name = re.search(r"^model (\w+) \{", text, re.M).group(1)
    cols, keys = [], []
    for line in text.splitlines():
        m = re.match(r"^\s+(\w+)\s+(\w+)(\?)?(.*)$", line)
        if not m or m.group(1).startswith("@@"):
            continue
        field, ptype, optional, rest = m.groups()
        rest = rest.split("//", 1)[0]
        mapped = re.search(r'@map\("(\w+)"\)', rest)
        column = mapped.group(1) if mapped else field
        sql = f'"{column}" {_PRISMA_TYPES[ptype]}' + ("" if optional else " NOT NULL")
        default = re.search(r"@default\s*\((.*?)\)\s*(?:@|$)", rest.strip() + " ")
        if default:
            value = default.group(1).strip()
            if value == "now()":
                sql += " DEFAULT CURRENT_TIMESTAMP"
            elif value.startswith('"'):
                sql += " DEFAULT '" + value.strip('"').replace("'", "''") + "'"
            else:
                sql += f" DEFAULT {value}"
        if "@id" in rest:
            keys.append(column)
        cols.append(sql)
    if keys:
        cols.append(f'PRIMARY KEY ({", ".join(chr(34) + k + chr(34) for k in keys)})')
    return f'CREATE TABLE "{name}" (\n  ' + ",\n  ".join(cols) + "\n)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running server: its URL (user ``postgres``, trust authentication), folder and how to stop it."""

    url: str
    port: int
    folder: Path
    bin: Path
    prefix: list[str]

    def stop(self) -> None:
        try:
            subprocess.run([*self.prefix, str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast",
                            "-w", "stop"], capture_output=True, timeout=60, cwd=self.folder)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _as_unprivileged() -> tuple[list[str], int, int]:
    """The command prefix that runs a program as an unprivileged user (none when not root), and its uid, gid."""
    if os.geteuid() != 0:
        return [], os.getuid(), os.getgid()
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        if shutil.which("runuser"):
            return ["runuser", "-u", name, "--"], user.pw_uid, user.pw_gid
        if shutil.which("setpriv"):
            return (["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--"],
                    user.pw_uid, user.pw_gid)
    raise RuntimeError("running as root, and neither runuser nor setpriv nor an unprivileged user (postgres, "
                       "nobody) is available to run PostgreSQL as")


def start() -> Server:
    """initdb and start a server on 127.0.0.1 and a free port; raises RuntimeError with the server's log."""
    folder_bin = postgres_bin()
    if folder_bin is None:
        raise FileNotFoundError(INSTALL_HINT)
    prefix, uid, gid = _as_unprivileged()
    # as root, the suite's own temporary folder is private to root: the server's folder goes in /tmp
    folder = Path(tempfile.mkdtemp(prefix="pricepoint-pg-", dir="/tmp" if prefix else None))
    os.chown(folder, uid, gid)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and k != "TMPDIR"}
    env["LC_ALL"] = "C"

    def run(*cmd: str) -> None:
        done = subprocess.run([*prefix, *cmd], capture_output=True, text=True, env=env, cwd=folder, timeout=120)
        if done.returncode:
            log = folder / "server.log"
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}\n"
                               f"{log.read_text()[-2000:] if log.exists() else ''}")

    port = _free_port()
    try:
        run(str(folder_bin / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--no-sync")
        run(str(folder_bin / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "server.log"), "-w",
            "-t", "60", "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Server(f"postgresql://postgres@127.0.0.1:{port}/postgres", port, folder, folder_bin, prefix)
