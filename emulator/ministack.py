"""MiniStack lifecycle: start on 127.0.0.1 and a free port in its own environment, wait, stop.

MiniStack pins ``botocore`` exactly, so it lives in ``.venv-emulator`` (``make emulator-env``,
locked by ``tools/emulator/requirements.txt``), never in the project environment. It runs
Python Lambda handlers as local subprocesses of *its own* interpreter, which is why that
environment also carries the handlers' runtime dependencies (boto3).

Every instance gets a private state directory (``TMPDIR``, ``STATE_DIR``, ``S3_DATA_DIR``),
so several engineers (or test sessions) on one machine never share emulator state, PID
files or Lambda scratch directories.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VENV = REPO_ROOT / ".venv-emulator"
#: ``python -m`` this in the emulator's interpreter: MiniStack with the harness patches (emulator/launcher/).
LAUNCHER = "emulator.launcher"
HOST = "127.0.0.1"
ACCOUNT_ID = "000000000000"

# Fake credentials for everything that talks to the emulator (terraform, boto3, the handlers).
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_SESSION_TOKEN": "test",
}
# Settings that would send a client to a real account or a real profile if inherited.
_LEAKY = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
)


class EmulatorError(RuntimeError):
    pass


def free_port(host: str = HOST) -> int:
    """A port nobody listens on right now (the OS picks it; tiny race until MiniStack binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def client_env(endpoint: str, region: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for a process that must talk to the emulator and nothing else."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if k not in _LEAKY}
    env.update(FAKE_CREDENTIALS)
    env.update({"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
                "AWS_EC2_METADATA_DISABLED": "true"})  # fmt: skip
    return env


def aws_overrides(endpoint: str, region: str) -> dict[str, str | None]:
    """Only the AWS settings, for ``ops.terraform.run(extra_env=...)`` (``None`` unsets a variable)."""
    overrides: dict[str, str | None] = dict.fromkeys(_LEAKY)
    overrides.update(FAKE_CREDENTIALS)
    overrides.update({"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
                      "AWS_EC2_METADATA_DISABLED": "true"})  # fmt: skip
    return overrides


@dataclass
class MiniStack:
    """A running emulator. Use :func:`running` rather than constructing this directly."""

    port: int
    workdir: Path
    log_path: Path
    region: str
    secure: bool = False  # HTTPS + IAM enforcement (MiniStack USE_SSL=1, AUTH=true)
    process: subprocess.Popen[bytes] | None = None
    started_seconds: float = 0.0
    _log_handle: object = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        return f"{'https' if self.secure else 'http'}://{HOST}:{self.port}"

    @property
    def ca_bundle(self) -> Path | None:
        """The self-signed certificate MiniStack generates under its TMPDIR (secure mode only)."""
        return tls_certificate(self.workdir) if self.secure else None

    def health(self) -> dict[str, object] | None:
        try:
            context = None
            if self.ca_bundle is not None:
                import ssl

                if not self.ca_bundle.exists():
                    return None
                context = ssl.create_default_context(cafile=str(self.ca_bundle))
            url = f"{self.endpoint}/_ministack/health"
            with urllib.request.urlopen(url, timeout=2, context=context) as response:
                document: dict[str, object] = json.loads(response.read())
                return document
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError, OSError):
            return None

    def client_env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        env = client_env(self.endpoint, self.region, base)
        if self.ca_bundle is not None:
            env["AWS_CA_BUNDLE"] = str(self.ca_bundle)
        return env

    def inject_faults(
        self, function_name: str, *, count: int, error: str = "TransientError", after: bool = False
    ) -> None:
        """The next ``count`` invocations of ``function_name`` fail with ``error`` (emulator.launcher.faults);
        ``after``: once the handler has run (its writes done, its result lost)."""
        path = self.workdir / "faults.json"
        faults = json.loads(path.read_text()) if path.exists() else {}
        faults[function_name] = {"count": count, "error": error, "after": after}
        path.write_text(json.dumps(faults))

    def terraform_env(self) -> dict[str, str | None]:
        overrides = aws_overrides(self.endpoint, self.region)
        if self.ca_bundle is not None:
            overrides["AWS_CA_BUNDLE"] = str(self.ca_bundle)
        return overrides

    def boto3_client(self, service: str):  # type: ignore[no-untyped-def]
        import boto3
        from botocore.config import Config

        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
            config=Config(retries={"max_attempts": 5, "mode": "standard"}, s3={"addressing_style": "path"}),
            verify=str(self.ca_bundle) if self.ca_bundle is not None else None,
        )

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def emulator_python(venv: Path = DEFAULT_VENV) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        raise EmulatorError(f"{python} does not exist: run `make emulator-env` first")
    return python


def tls_certificate(workdir: Path) -> Path:
    return workdir / "tmp" / "ministack-tls" / "server.crt"


def server_env(
    *, port: int, workdir: Path, region: str, base: Mapping[str, str] | None = None, secure: bool = False
) -> dict[str, str]:
    """MiniStack's own environment; Lambda workers inherit it (``{**os.environ, **function env}``).

    ``secure``: HTTPS with MiniStack's self-signed certificate (``USE_SSL=1``) and IAM evaluation of
    every request (``AUTH=true``). HTTPS is what lets the bucket policy's ``aws:SecureTransport``
    deny pass; the handlers trust the certificate through ``AWS_CA_BUNDLE``.
    """
    env = client_env(f"{'https' if secure else 'http'}://{HOST}:{port}", region, base)
    for name in ("AUTH", "USE_SSL", "AWS_CA_BUNDLE"):
        env.pop(name, None)
    if secure:
        env.update({"USE_SSL": "1", "AUTH": "true", "AWS_CA_BUNDLE": str(tls_certificate(workdir))})
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)  # the project's sys.path must not leak into the handlers
    tmp = workdir / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    env.update(
        {
            "BIND_HOST": HOST,  # default is 0.0.0.0: every interface
            "GATEWAY_PORT": str(port),
            "MINISTACK_HOST": HOST,
            "MINISTACK_REGION": region,
            "MINISTACK_ACCOUNT_ID": ACCOUNT_ID,
            "TMPDIR": str(tmp),  # PID file, Lambda code/layer extraction
            "STATE_DIR": str(workdir / "state"),
            "S3_DATA_DIR": str(workdir / "s3"),
            "PERSIST_STATE": "0",
            "S3_PERSIST": "0",
            "LAMBDA_EXECUTOR": "local",  # no Docker engine here: handlers run as subprocesses
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            # Read by emulator.launcher.faults (test-only); the file exists only when a test writes it.
            "HARNESS_FAULTS_FILE": str(workdir / "faults.json"),
            # The handlers' Tracer: X-Ray is not emulated (no daemon to send segments to).
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
    )
    return env


def launcher_env(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` plus the ``PYTHONPATH`` that finds :data:`LAUNCHER`; the launcher removes it again at start,
    before MiniStack starts a Lambda worker (workers inherit its environment)."""
    return {**env, "PYTHONPATH": str(REPO_ROOT)}


def start(
    *,
    region: str,
    workdir: Path | None = None,
    venv: Path = DEFAULT_VENV,
    port: int | None = None,
    secure: bool = False,
) -> MiniStack:
    python = emulator_python(venv)
    workdir = Path(workdir or tempfile.mkdtemp(prefix="ministack-"))
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    emulator = MiniStack(port=port, workdir=workdir, log_path=workdir / "ministack.log", region=region, secure=secure)
    handle = emulator.log_path.open("wb")
    emulator._log_handle = handle
    started = time.perf_counter()
    emulator.process = subprocess.Popen(
        [str(python), "-m", LAUNCHER],  # ``python -m ministack`` plus the harness patches
        cwd=workdir,
        env=launcher_env(server_env(port=port, workdir=workdir, region=region, secure=secure)),
        stdout=handle,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stop() also reaches Lambda workers
    )
    emulator.started_seconds = started
    return emulator


def wait_healthy(emulator: MiniStack, *, timeout: float = 60.0) -> float:
    """Poll the health endpoint; returns the seconds it took. Raises with the log tail."""
    assert emulator.process is not None
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if emulator.process.poll() is not None:
            raise EmulatorError(
                f"MiniStack exited with {emulator.process.returncode} before it was healthy:\n{emulator.log_tail()}"
            )
        if emulator.health() is not None:
            return time.perf_counter() - emulator.started_seconds
        time.sleep(0.2)
    raise EmulatorError(f"MiniStack not healthy on {emulator.endpoint} after {timeout:.0f}s:\n{emulator.log_tail()}")


def stop(emulator: MiniStack, *, timeout: float = 10.0) -> None:
    """SIGTERM the emulator's process group (server and Lambda workers), then SIGKILL if needed."""
    process = emulator.process
    if process is not None and process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)
    # Workers left in the group after the server exited.
    if process is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    handle = emulator._log_handle
    if handle is not None:
        handle.close()  # type: ignore[attr-defined]
        emulator._log_handle = None


@contextlib.contextmanager
def running(
    *,
    region: str,
    workdir: Path | None = None,
    venv: Path = DEFAULT_VENV,
    keep: bool = False,
    timeout: float = 60.0,
    cleanup: bool = False,
    secure: bool = False,
) -> Iterator[MiniStack]:
    """Start MiniStack, wait until healthy, yield it, stop it (unless ``keep``).

    ``cleanup`` removes the work directory (state, log) after a clean stop.
    """
    emulator = start(region=region, workdir=workdir, venv=venv, secure=secure)
    try:
        wait_healthy(emulator, timeout=timeout)
        yield emulator
    finally:
        if not keep:
            stop(emulator)
            if cleanup:
                shutil.rmtree(emulator.workdir, ignore_errors=True)
