"""A throw-away PostgreSQL server built from the system binaries.

    with running_postgres() as url:      # postgres://peerassist:...@127.0.0.1:PORT/peerassist
        ...

    python -m tests.harness.postgres -- python -m pytest
        runs the command with DATABASE_URL and PEERASSIST_TEST_DB=postgres set, then
        stops the server, deletes its files and exits with the command's exit code.

The cluster lives in a temporary directory (data, log and unix socket), listens on a free
port on 127.0.0.1 only, and trades durability for speed (fsync, full_page_writes and
synchronous_commit off). initdb and postgres refuse to run as root, so as root they run
as the unprivileged `postgres` user (created by Debian's postgresql package).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

USER = "peerassist"
DATABASE = "peerassist"
RUN_AS = "postgres"  # the unprivileged system user that owns the cluster when we are root
START_TIMEOUT = 60
START_ATTEMPTS = 3
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "max_connections": "100",
}


class ServiceUnavailable(RuntimeError):
    """A throw-away server could not be started; the message says why and how to fix it."""


class PostgresUnavailable(ServiceUnavailable):
    """The PostgreSQL server binaries are missing or unusable; the message says how to fix it."""


def find_bindir() -> Path:
    """The directory holding initdb and pg_ctl: $PG_BINDIR, Debian's newest, then PATH."""
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))

    def version(path: str) -> float:
        with contextlib.suppress(ValueError):
            return float(Path(path).parent.name)
        return 0.0

    candidates += [
        Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    ]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for bindir in candidates:
        if all(os.access(bindir / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres")):
            return bindir
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found under "
        "/usr/lib/postgresql/*/bin or on PATH. Install them (Debian/Ubuntu: "
        "`apt-get install postgresql`) or set PG_BINDIR to the directory that holds them."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_user() -> pwd.struct_passwd | None:
    """The user to run initdb/postgres as: None for ourselves, `postgres` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(RUN_AS)
    except KeyError:
        raise PostgresUnavailable(
            f"Running as root, but there is no `{RUN_AS}` user to run PostgreSQL as "
            "(initdb and postgres refuse to run as root). Install Debian's postgresql "
            f"package, which creates it, or run as an ordinary user."
        ) from None


def _make_tempdir(owner: pwd.struct_passwd | None) -> Path:
    """A private temporary directory the server user can write to."""
    bases = [tempfile.gettempdir(), "/tmp", "/var/tmp"]  # noqa: S108
    for base in dict.fromkeys(bases):
        path = Path(tempfile.mkdtemp(prefix="peerassist-pg-", dir=base))
        if owner is None:
            return path
        os.chown(path, owner.pw_uid, owner.pw_gid)
        # The server user must be able to reach it too (TMPDIR may sit in /root).
        probe = _as_server_user(owner, ["test", "-w", str(path)], capture_output=True)
        if probe.returncode == 0:
            return path
        shutil.rmtree(path, ignore_errors=True)
    raise PostgresUnavailable(
        f"None of {', '.join(bases)} gives the `{RUN_AS}` user a writable temporary directory."
    )


def _as_server_user(
    owner: pwd.struct_passwd | None, argv: list[str], **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8")
    if owner is not None:
        runuser = shutil.which("runuser")
        if runuser:
            argv = [runuser, "-u", owner.pw_name, "--", *argv]
        else:
            kwargs.update(user=owner.pw_uid, group=owner.pw_gid, extra_groups=[])
        env["HOME"] = owner.pw_dir
    result: subprocess.CompletedProcess[str] = subprocess.run(
        argv, env=env, text=True, check=False, **kwargs
    )
    return result


def _check(result: subprocess.CompletedProcess[str], what: str, log: Path | None = None) -> None:
    if result.returncode == 0:
        return
    details = "\n".join(s for s in (result.stdout, result.stderr) if s)
    if log is not None and log.exists():
        details += "\n--- server log ---\n" + log.read_text(errors="replace")[-4000:]
    raise PostgresUnavailable(f"{what} failed with exit code {result.returncode}:\n{details}")


@contextlib.contextmanager
def running_postgres(*, quiet: bool = False) -> Iterator[str]:
    """Start a private PostgreSQL, yield its DATABASE_URL, then stop it and delete its files.

    The URL's role is a superuser, so Django can create and drop `test_peerassist`.
    Raises PostgresUnavailable when the binaries are missing or the server will not start.
    """
    started = time.monotonic()
    bindir = find_bindir()
    owner = _server_user()
    tmp = _make_tempdir(owner)
    data = tmp / "data"
    log = tmp / "server.log"
    try:
        password = secrets.token_hex(16)
        pwfile = tmp / "pwfile"
        pwfile.write_text(password + "\n")
        if owner is not None:
            os.chown(pwfile, owner.pw_uid, owner.pw_gid)
        pwfile.chmod(0o600)
        initdb = [
            str(bindir / "initdb"),
            "--pgdata",
            str(data),
            "--username",
            USER,
            "--pwfile",
            str(pwfile),
            "--auth",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        ]
        result = _as_server_user(
            owner, [*initdb, "--locale", "C.UTF-8"], cwd=tmp, capture_output=True
        )
        if result.returncode != 0:  # a libc without C.UTF-8: fall back to plain C
            shutil.rmtree(data, ignore_errors=True)
            result = _as_server_user(owner, [*initdb, "--no-locale"], cwd=tmp, capture_output=True)
        _check(result, "initdb")
        pwfile.unlink()
        with (data / "postgresql.conf").open("a") as conf:
            conf.write("\n# peerassist test harness\n")
            for name, value in SETTINGS.items():
                conf.write(f"{name} = {value}\n")
            conf.write(f"unix_socket_directories = '{tmp}'\n")

        for attempt in range(1, START_ATTEMPTS + 1):
            port = free_port()
            # A new session keeps Ctrl-C in the terminal away from the server: we stop it.
            result = _as_server_user(
                owner,
                [
                    str(bindir / "pg_ctl"),
                    "start",
                    "--pgdata",
                    str(data),
                    "--log",
                    str(log),
                    "--wait",
                    "--timeout",
                    str(START_TIMEOUT),
                    "--options",
                    f"-p {port}",
                ],
                cwd=tmp,
                capture_output=True,
                start_new_session=True,
                stdin=subprocess.DEVNULL,
            )
            if result.returncode == 0:
                break
            if (data / "postmaster.pid").exists():
                _stop(bindir, owner, data, tmp)
            if attempt == START_ATTEMPTS:  # the port may have been taken meanwhile: retry
                _check(result, f"pg_ctl start (port {port})", log)

        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["PGPASSWORD"] = password
        createdb = bindir / "createdb"
        if not createdb.exists():
            createdb = Path(shutil.which("createdb") or createdb)
        result = subprocess.run(
            [str(createdb), "-h", "127.0.0.1", "-p", str(port), "-U", USER, DATABASE],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp,
        )
        _check(result, "createdb", log)
        if not quiet:
            print(
                f"[postgres harness] PostgreSQL {bindir.parent.name} on 127.0.0.1:{port} "
                f"({tmp}), ready in {time.monotonic() - started:.1f}s",
                file=sys.stderr,
                flush=True,
            )
        yield f"postgres://{USER}:{password}@127.0.0.1:{port}/{DATABASE}"
    finally:
        if (data / "postmaster.pid").exists():
            _stop(bindir, owner, data, tmp)
        shutil.rmtree(tmp, ignore_errors=True)


def _stop(bindir: Path, owner: pwd.struct_passwd | None, data: Path, tmp: Path) -> None:
    """Stop the server at once (the data is thrown away, so there is nothing to flush)
    and wait until the postmaster has exited, killing it if pg_ctl could not."""
    with _signals_deferred():
        pid = None
        with contextlib.suppress(ValueError, OSError, IndexError):
            pid = int((data / "postmaster.pid").read_text().split()[0])
        _as_server_user(
            owner,
            [str(bindir / "pg_ctl"), "stop", "--pgdata", str(data), "--mode=immediate", "--wait"],
            cwd=tmp,
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
        if pid is None:
            return
        deadline = time.monotonic() + 10
        while _alive(pid):
            if time.monotonic() > deadline:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                break
            time.sleep(0.02)


def _alive(pid: int) -> bool:
    """Whether `pid` still runs; an exited process waiting to be reaped (zombie) does not."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return state not in ("Z", "X")


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Let clean-up finish even if Ctrl-C or SIGTERM arrives again meanwhile."""
    if sys.platform == "win32" or not _in_main_thread():
        yield
        return
    caught: list[int] = []
    previous = {
        sig: signal.signal(sig, lambda signum, _frame: caught.append(signum))
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def run_with_service(
    name: str,
    argv: list[str],
    service: contextlib.AbstractContextManager[str],
    env_vars: dict[str, str],
) -> int:
    """Start `service`, run `argv` with its URL in the environment, return the exit code.

    `env_vars` maps variable names to values; "{url}" in a value becomes the service's URL.
    Ctrl-C, SIGTERM and SIGHUP stop the command first, then the service, then exit.
    """
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(f"usage: python -m {name} -- <command> [args...]", file=sys.stderr)
        return 2

    def _terminate(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    try:
        with service as url:
            env = dict(os.environ)
            env.update({key: value.format(url=url) for key, value in env_vars.items()})
            try:
                child = subprocess.Popen(argv, env=env)
            except OSError as error:
                print(f"[{name}] cannot run {argv[0]!r}: {error}", file=sys.stderr)
                return 127
            try:
                returncode = child.wait()
            except BaseException:
                # Ctrl-C reached the child too (same process group); SIGTERM did not.
                if child.poll() is None:
                    child.terminate()
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
                raise
            return returncode if returncode >= 0 else 128 - returncode
    except ServiceUnavailable as error:
        print(f"[{name}] {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def main(argv: list[str] | None = None) -> int:
    return run_with_service(
        "tests.harness.postgres",
        list(sys.argv[1:] if argv is None else argv),
        running_postgres(),
        {"DATABASE_URL": "{url}", "PEERASSIST_TEST_DB": "postgres"},
    )


if __name__ == "__main__":
    sys.exit(main())
