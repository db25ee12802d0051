"""A PostgreSQL cluster of its own, in a temporary folder on a spare port, for the drills that
stop the database or cut its connections: the machine's shared server is never touched."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
DATABASE = "xiangxing"


def as_owner(command: list[str | Path]) -> list[str | Path]:
    """PostgreSQL refuses to run as root: as root, run its tools as the ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(command: Sequence[str | Path], *, check: bool = True) -> str:
    """One of PostgreSQL's own tools, from its folder: what it printed. Nothing is piped but
    its output, which a server started by ``pg_ctl`` never holds open."""
    done = subprocess.run(  # noqa: S603
        command, check=check, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
    )
    return done.stdout


@dataclass
class Cluster:
    """A PostgreSQL cluster in a folder of its own, trusting local connections."""

    folder: Path
    port: int = field(default_factory=free_port)

    def start(self) -> None:
        """Make the cluster and its database, and start it."""
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        run(
            as_owner(
                [PG_BIN / "initdb", "-D", self.data, "-U", "drill", "--auth=trust", "-E", "UTF8"]
            )
        )
        self.resume()
        run([*self.client("createdb"), DATABASE])

    def resume(self) -> None:
        """Start the server again (it keeps its data)."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = self.folder / "pg.log"
        run(as_owner([PG_BIN / "pg_ctl", "-D", self.data, "-o", options, "-l", log, "-w", "start"]))

    def stop(self, mode: str = "immediate") -> None:
        run(as_owner([PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"]), check=False)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def client(self, tool: str) -> list[str | Path]:
        return [PG_BIN / tool, "-h", "127.0.0.1", "-p", str(self.port), "-U", "drill"]

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://drill@127.0.0.1:{self.port}/{DATABASE}"

    def cut_connections(self) -> int:
        """Terminate every connection of the app; how many there were."""
        query = (
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        answer = run([*self.client("psql"), "-d", DATABASE, "-At", "-c", query])
        return int(answer.strip() or 0)
