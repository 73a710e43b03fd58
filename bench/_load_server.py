"""The server side of bench/load_and_faults.py: gunicorn started and stopped by its pid (loopback
only), waiting until it answers, and the PostgreSQL restart of the fault phase."""

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

from bench import _common as common


def pg_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: float(v))
    return versions[-1]


def make_fault(args):
    async def fault(phase_start):
        await asyncio.sleep(args.restart_at)
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main", "restart"]
        common.log(f"  restarting PostgreSQL: {' '.join(command)}")
        began = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
        ended = time.monotonic()
        common.log(f"  restart done in {ended - began:.1f} s (exit {process.returncode})")
        return {
            "command": " ".join(command),
            "at": began - phase_start,
            "done_at": ended - phase_start,
            "seconds": ended - began,
            "exit": process.returncode,
            "output": output.decode(errors="replace").strip(),
        }

    return fault


def start_gunicorn(args, log_path: Path):
    command = [
        str(common.ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        "--backlog",
        "2048",
        "--error-logfile",
        str(log_path),
    ]
    env = {**os.environ, **common.bench_env()}
    log_handle = open(log_path, "ab")  # noqa: SIM115 - closed by stop_gunicorn
    process = subprocess.Popen(
        command, cwd=common.ROOT, env=env, stdout=log_handle, stderr=subprocess.STDOUT
    )
    process.log_handle = log_handle
    process.command = " ".join(command[1:])
    return process


def stop_gunicorn(process) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    process.log_handle.close()


def wait_ready(port: int, seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if (
                httpx.get(
                    f"http://127.0.0.1:{port}/om-metoden/", timeout=5, trust_env=False
                ).status_code
                == 200
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer in time")
