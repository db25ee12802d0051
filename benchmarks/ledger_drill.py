"""Crash drill of the funds ledger: acknowledged writes survive killed apps and cut connections.

A scratch PostgreSQL cluster of its own (initdb and pg_ctl, under a temporary folder, on a
spare port) is migrated and given an organization with signed agreements, each with a large
commitment. The app is served with ``xiangxing serve`` as a process group of its own. Clients
(httpx, asynchronously) then append disbursements, each request with its own Idempotency-Key
and its key in the note, sending the same request again on a connection error or a 5xx until
it is acknowledged (201). Meanwhile the drill SIGKILLs the app's whole process group and starts
it again ``--kills`` times, and cuts the app's database connections (``pg_terminate_backend``)
``--cuts`` times, spread over the run.

Afterwards every acknowledged write must be stored exactly once, as the entry its answer named
(matched by the key in the note), with no other entries, and ``xiangxing ledger verify`` must
pass. The counts are printed; the drill exits 1 if anything is missing or doubled.

    uv run python benchmarks/ledger_drill.py [--writes 10000] [--kills 20] [--cuts 2]
        [--clients 16] [--agreements 32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from asyncio.subprocess import PIPE, STDOUT
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT))

from tests.scratch_cluster import Cluster, free_port  # noqa: E402 - after the path is set

COMMITTED = "100000000"
APP_BIN = Path(sys.executable).parent / "xiangxing"
RETRY_PAUSE_SECONDS = 0.1


async def prepare(url: str, agreements: int) -> tuple[str, list[str]]:
    """Migrate, then one organization with a member and its signed agreements: the member's
    name and the agreements' ids."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from accounts.models import Role
    from core.database import create_engine
    from core.settings import Settings
    from tests.factories import make_organization, make_user
    from tests.funds.scratch import signed_agreement_of
    from xiangxing.setup import upgrade_database

    engine = create_engine(Settings(database_url=url))
    await upgrade_database(engine)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        organization = await make_organization(session, "昭通市光明公益协会")
        member = await make_user(session, Role.MEMBER, organization=organization)
        made = [signed_agreement_of(organization.id, n) for n in range(1, agreements + 1)]
        session.add_all(made)
        await session.commit()
    await engine.dispose()
    return member.username, [str(agreement.id) for agreement in made]


@dataclass
class App:
    """``xiangxing serve`` as a process group of its own, killed and started again."""

    env: dict[str, str]
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [APP_BIN, "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL the whole group: the server and its workers, mid-request."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    async def ready(self, client: httpx.AsyncClient) -> None:
        while True:
            try:
                if (await client.get("/health")).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)


@dataclass
class Tally:
    acknowledged: dict[str, str] = field(default_factory=dict)
    """Each acknowledged key and the id of the entry its answer named."""
    attempts: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    """Why a send was not the acknowledgement: a status, or the transport error's name."""
    progress: asyncio.Event = field(default_factory=asyncio.Event)
    """Set at each acknowledgement."""

    def acknowledge(self, key: str, entry_id: str) -> None:
        self.acknowledged[key] = entry_id
        self.progress.set()

    async def reached(self, count: int) -> None:
        while len(self.acknowledged) < count:
            self.progress.clear()
            await self.progress.wait()


async def deliver(
    client: httpx.AsyncClient, url: str, key: str, headers: dict[str, str], tally: Tally
) -> None:
    """Send one disbursement until it is acknowledged, the same request every time."""
    body = {"entry_type": "disbursement", "amount": "1.00", "note": key}
    headers = {**headers, "Idempotency-Key": key}
    while True:
        tally.attempts += 1
        try:
            answer = await client.post(url, json=body, headers=headers)
        except httpx.TransportError as error:
            tally.answers[type(error).__name__] += 1
        else:
            if answer.status_code == 201:
                tally.acknowledge(key, answer.json()["id"])
                return
            tally.answers[str(answer.status_code)] += 1
            if answer.status_code < 500:
                msg = f"{key} refused: {answer.status_code} {answer.text}"
                raise RuntimeError(msg)
        await asyncio.sleep(RETRY_PAUSE_SECONDS)


async def token(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    from tests.factories import PASSWORD

    answer = await client.post(
        "/api/v1/auth/token", json={"username": username, "password": PASSWORD}
    )
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def chaos(app: App, cluster: Cluster, tally: Tally, args: argparse.Namespace) -> Counter[str]:
    """Kill the app and cut its connections at even steps of the acknowledged writes."""
    steps = sorted(
        [(args.writes * (n + 1) // (args.kills + 1), "kill") for n in range(args.kills)]
        + [(args.writes * (2 * n + 1) // (2 * args.cuts + 2), "cut") for n in range(args.cuts)]
    )
    done: Counter[str] = Counter()
    for threshold, what in steps:
        await tally.reached(threshold)
        if what == "kill":
            app.kill()
            app.start()
        else:
            done["connections cut"] += cluster.cut_connections()
        done[what] += 1
    return done


async def drill(args: argparse.Namespace, cluster: Cluster) -> int:
    folder = cluster.folder
    cluster.start()
    member, agreements = await prepare(cluster.url, args.agreements)
    port = free_port()
    env = {
        **os.environ,
        "XIANGXING_DATABASE_URL": cluster.url,
        "XIANGXING_VAR_DIR": str(folder / "var"),
        "XIANGXING_SECRET_KEY": secrets.token_urlsafe(32),
        "XIANGXING_SEARCH_INDEXER": "false",
    }
    app = App(env, port, folder / "app.log")
    app.start()
    try:
        return await drive(args, app, cluster, member, agreements)
    finally:
        app.stop()


async def drive(
    args: argparse.Namespace, app: App, cluster: Cluster, member: str, agreements: list[str]
) -> int:
    limits = httpx.Limits(max_connections=args.clients)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{app.port}", timeout=30, limits=limits
    ) as client:
        await app.ready(client)
        headers = await token(client, member)
        tally = Tally()
        urls = [f"/api/v1/agreements/{agreement}/ledger" for agreement in agreements]
        commitments = [
            {"entry_type": "commitment", "amount": COMMITTED, "note": f"commitment {n}"}
            for n in range(len(urls))
        ]
        for url, body in zip(urls, commitments, strict=True):
            (await client.post(url, json=body, headers=headers)).raise_for_status()
        keys: asyncio.Queue[int] = asyncio.Queue()
        for n in range(args.writes):
            keys.put_nowait(n)

        async def worker() -> None:
            while not keys.empty():
                n = keys.get_nowait()
                await deliver(client, urls[n % len(urls)], f"drill-{n:06d}", headers, tally)

        began = time.perf_counter()
        troubles = asyncio.create_task(chaos(app, cluster, tally, args))
        await asyncio.gather(*(worker() for _ in range(args.clients)))
        took = time.perf_counter() - began
        done = await troubles
    app.stop()
    return await report(args, cluster.url, app.env, tally, done, took)


async def report(
    args: argparse.Namespace,
    url: str,
    env: dict[str, str],
    tally: Tally,
    done: Counter[str],
    took: float,
) -> int:
    """Compare what was acknowledged with what is stored; print the counts."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.database import create_engine
    from core.settings import Settings
    from funds.models import EntryType, LedgerEntry

    engine = create_engine(Settings(database_url=url))
    async with AsyncSession(engine) as session:
        rows = (
            await session.execute(
                select(LedgerEntry.note, LedgerEntry.id).where(
                    LedgerEntry.entry_type == EntryType.DISBURSEMENT
                )
            )
        ).all()
    await engine.dispose()
    stored = Counter(note for note, _ in rows)
    ids = {note: str(entry_id) for note, entry_id in rows}
    doubled = [key for key, times in stored.items() if times > 1]
    missing = [key for key in tally.acknowledged if key not in stored]
    unasked = [key for key in stored if key not in tally.acknowledged]
    other_id = [key for key, entry in tally.acknowledged.items() if ids.get(key) != entry]
    verify = await asyncio.create_subprocess_exec(
        APP_BIN, "ledger", "verify", env=env, stdout=PIPE, stderr=STDOUT
    )
    said, _ = await verify.communicate()
    print(f"writes acknowledged     {len(tally.acknowledged)} of {args.writes}")
    print(f"requests sent           {tally.attempts}")
    print(f"not acknowledged        {dict(tally.answers)}")
    print(f"app killed              {done['kill']} (started {done['kill'] + 1} times)")
    print(f"connections cut         {done['cut']} times, {done['connections cut']} connections")
    print(f"entries stored          {len(rows)}")
    print(f"missing                 {len(missing)}")
    print(f"stored twice or more    {len(doubled)}")
    print(f"stored, never asked     {len(unasked)}")
    print(f"stored as another entry {len(other_id)}")
    print(f"ledger verify           {said.decode().strip()}")
    print(f"took                    {took:.1f} s ({len(tally.acknowledged) / took:.0f} writes/s)")
    sound = not (missing or doubled or unasked or other_id) and verify.returncode == 0
    return 0 if sound and len(tally.acknowledged) == args.writes else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writes", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--cuts", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--agreements", type=int, default=32)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ledger-drill-"))
    try:
        code = asyncio.run(drill(args, Cluster(folder)))
    finally:
        Cluster(folder).stop()
        shutil.rmtree(folder, ignore_errors=True)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
