"""A real WordPress from Debian's packages on loopback: built once, then started and stopped by PID.

Everything lives under one directory (REALWP_HOME, default /tmp/wparchive-realwp): a self-contained
copy of /usr/share/wordpress with its own wp-config.php, a private MariaDB data directory and socket
(no TCP port, not the system service), PHP's built-in server on 127.0.0.1 behind a router script,
and the ground truth WordPress dumped after populating. A running copy works on its own copy of the
database under sessions/, so concurrent test sessions never share or stop each other's servers
(a rebuild stops them all). Only the standard library is used, so
`python3 tests/realwp/wpsite.py build` works before any virtualenv exists.

    python3 tests/realwp/wpsite.py build            # idempotent; rebuilds when the recipe changes
    python3 tests/realwp/wpsite.py serve --theme twentytwentythree   # prints the proxy URL, Ctrl-C stops
    python3 tests/realwp/wpsite.py stop             # ends servers whose owning process died, by PID
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from wpproxy import ForwardProxy  # noqa: E402

PHP_DIR = HERE / "php"
WORDPRESS_SRC = Path("/usr/share/wordpress")
HOST = "projektbesok.se"
THEMES = ("twentytwentyone", "twentytwentythree")
DB_NAME = "wordpress"
DB_USER = "wordpress"
DB_PASSWORD = "realwp-test-only"
LOCALE = "sv_SE"
SERVER_OPTIONS = ("--innodb-log-file-size=8M", "--innodb-buffer-pool-size=64M",
                  "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci")
"""Small redo log: every test session copies the populated database files, so they stay small."""


class RealWPError(Exception):
    """The real WordPress could not be built or started; the message says what to look at."""


@dataclass(frozen=True)
class Layout:
    home: Path

    @property
    def docroot(self) -> Path:
        return self.home / "wordpress"

    @property
    def datadir(self) -> Path:
        return self.home / "db"

    @property
    def run(self) -> Path:
        """Build-time logs and the socket of the database while it is being populated."""
        return self.home / "run"

    @property
    def sessions(self) -> Path:
        """One folder per running copy: its own database files, socket, PID files and logs."""
        return self.home / "sessions"

    @property
    def truth(self) -> Path:
        return self.home / "truth.json"

    @property
    def stamp(self) -> Path:
        return self.home / "built.json"

    @classmethod
    def default(cls) -> "Layout":
        return cls(Path(os.environ.get("REALWP_HOME", "/tmp/wparchive-realwp")).resolve())


def find_program(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if not found:
        raise RealWPError(f"{name} is not installed; run tests/realwp/setup.sh (it installs Debian's packages)")
    return found


def recipe_digest() -> str:
    """Changes whenever the recipe or the installed WordPress changes, so a stale build is redone."""
    digest = hashlib.sha256()
    for path in sorted(PHP_DIR.glob("*.php")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(WP_CONFIG.encode() + LOCALE.encode())
    version = WORDPRESS_SRC / "wp-includes" / "version.php"
    if version.exists():
        digest.update(version.read_bytes())
    return digest.hexdigest()


def is_built(layout: Layout) -> bool:
    try:
        stamp = json.loads(layout.stamp.read_text())
    except (OSError, ValueError):
        return False
    return stamp.get("recipe") == recipe_digest() and layout.truth.exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _stop_pid(pid: int, *, group: bool, timeout: float = 20.0) -> None:
    if not _pid_alive(pid):
        return
    kill = os.killpg if group else os.kill
    try:
        kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            if not _pid_alive(pid):
                return
        time.sleep(0.1)
    try:
        kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _stop_recorded(run_dir: Path, home: Path) -> list[str]:
    stopped = []
    for name, group in (("php.pid", True), ("mariadb.pid", False)):
        pidfile = run_dir / name
        try:
            pid = int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        if _pid_alive(pid) and str(home) in _cmdline(pid):
            _stop_pid(pid, group=group, timeout=60)
            stopped.append(f"{name[:-4]} (pid {pid})")
        pidfile.unlink(missing_ok=True)
    return stopped


def stop_leftovers(layout: Layout, *, all_sessions: bool = False) -> list[str]:
    """End servers left behind by runs whose owning process is gone (or all of them, to rebuild),
    found by their PID files; a copy another live test session is using is left alone."""
    stopped = _stop_recorded(layout.run, layout.home)
    if layout.sessions.is_dir():
        for session in sorted(layout.sessions.iterdir()):
            try:
                owner = int((session / "owner.pid").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                owner = 0
            if all_sessions or not owner or not _pid_alive(owner):
                stopped += _stop_recorded(session, layout.home)
                shutil.rmtree(session, ignore_errors=True)
    return stopped


class Database:
    """A private mariadbd: own data directory and socket, no network, stopped by its PID."""

    def __init__(self, layout: Layout, datadir: Path | None = None, run_dir: Path | None = None):
        self.layout = layout
        self.datadir = datadir or layout.datadir
        self.run_dir = run_dir or layout.run
        self.socket = self.run_dir / "mariadb.sock"
        self.process: subprocess.Popen | None = None

    def _user_args(self) -> list[str]:
        return ["--user=root"] if os.geteuid() == 0 else []

    def initialise(self) -> None:
        self.datadir.mkdir(parents=True)
        log = self.run_dir / "mariadb-install.log"
        with open(log, "wb") as out:
            done = subprocess.run(
                [find_program("mariadb-install-db"), "--no-defaults", f"--datadir={self.datadir}",
                 "--auth-root-authentication-method=normal", "--skip-test-db", *SERVER_OPTIONS, *self._user_args()],
                stdout=out, stderr=subprocess.STDOUT,
            )
        if done.returncode:
            raise RealWPError(f"mariadb-install-db failed (exit {done.returncode}); see {log}")

    def start(self) -> None:
        sock = str(self.socket)
        if len(sock) > 100:
            raise RealWPError(f"socket path too long for MariaDB ({len(sock)} chars): set REALWP_HOME shorter")
        errors = self.run_dir / "mariadb-error.log"
        with open(self.run_dir / "mariadb.log", "ab") as log:
            self.process = subprocess.Popen(
                [find_program("mariadbd"), "--no-defaults", f"--datadir={self.datadir}", f"--socket={sock}",
                 f"--pid-file={self.run_dir / 'mariadbd.pid'}", "--skip-networking", f"--log-error={errors}",
                 *SERVER_OPTIONS, *self._user_args()],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        (self.run_dir / "mariadb.pid").write_text(f"{self.process.pid}\n")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RealWPError(f"mariadbd exited with {self.process.returncode}; see {errors}")
            if self.socket.exists() and self.sql("SELECT 1", user="root", check=False).returncode == 0:
                return
            time.sleep(0.2)
        raise RealWPError(f"mariadbd did not answer on {sock} within 60 s; see {errors}")

    def sql(self, statement: str, *, user: str = "root", check: bool = True) -> subprocess.CompletedProcess:
        args = [find_program("mariadb"), "--no-defaults", f"--socket={self.socket}", f"--user={user}", "-e", statement]
        if user == DB_USER:
            args.insert(4, f"--password={DB_PASSWORD}")
        done = subprocess.run(args, capture_output=True, text=True)
        if check and done.returncode:
            raise RealWPError(f"SQL failed: {statement}: {done.stderr.strip()}")
        return done

    def create_wordpress_database(self) -> None:
        self.sql(
            f"CREATE DATABASE {DB_NAME} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; "
            f"CREATE USER '{DB_USER}'@'localhost' IDENTIFIED BY '{DB_PASSWORD}'; "
            f"GRANT ALL PRIVILEGES ON {DB_NAME}.* TO '{DB_USER}'@'localhost';"
        )

    def stop(self) -> None:
        if self.process is not None:
            _stop_pid(self.process.pid, group=False, timeout=60)
            self.process = None
        (self.run_dir / "mariadb.pid").unlink(missing_ok=True)


WP_CONFIG = """<?php
/* The test copy of projektbesok.se: private MariaDB socket, no cron, no network. */
define('DB_NAME', '{db_name}');
define('DB_USER', '{db_user}');
define('DB_PASSWORD', '{db_password}');
define('DB_HOST', 'localhost:' . (getenv('REALWP_DB_SOCKET') ?: '{socket}'));
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
{salts}
$table_prefix = 'wp_';
define('WP_DEBUG', false);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('FS_METHOD', 'direct');
if (!defined('ABSPATH')) {{
    define('ABSPATH', __DIR__ . '/');
}}
require_once ABSPATH . 'wp-settings.php';
"""
SALT_NAMES = ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY",
              "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT")


def _copy_wordpress(layout: Layout) -> None:
    if not (WORDPRESS_SRC / "wp-settings.php").exists():
        raise RealWPError(f"{WORDPRESS_SRC} holds no WordPress; run tests/realwp/setup.sh")

    def skip(directory: str, names: list[str]) -> set[str]:
        here = Path(directory)
        if here == WORDPRESS_SRC:
            return {"wp-config.php", ".htaccess"} & set(names)
        if here == WORDPRESS_SRC / "wp-content" / "languages":
            return {n for n in names if LOCALE not in n}
        return set()

    shutil.copytree(WORDPRESS_SRC, layout.docroot, symlinks=False, ignore=skip, ignore_dangling_symlinks=True)
    salts = "\n".join(
        f"define('{name}', '{hashlib.sha256(b'realwp-' + name.encode()).hexdigest()}');" for name in SALT_NAMES
    )
    (layout.docroot / "wp-config.php").write_text(WP_CONFIG.format(
        db_name=DB_NAME, db_user=DB_USER, db_password=DB_PASSWORD, socket=layout.run / "mariadb.sock", salts=salts))
    mu = layout.docroot / "wp-content" / "mu-plugins"
    mu.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PHP_DIR / "mu-offline.php", mu / "realwp-offline.php")
    (layout.docroot / "wp-content" / "uploads").mkdir(exist_ok=True)
    shutil.copyfile(PHP_DIR / "router.php", layout.home / "router.php")


def run_php(layout: Layout, script: str, *args: str, stdout=None, socket_path: Path | None = None) -> str:
    env = dict(os.environ, REALWP_DOCROOT=str(layout.docroot), TZ="UTC",
               REALWP_DB_SOCKET=str(socket_path or layout.run / "mariadb.sock"))
    done = subprocess.run([find_program("php"), "-d", "memory_limit=512M", str(PHP_DIR / script), *args],
                          env=env, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise RealWPError(f"php {script} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    return done.stdout or ""


def build(layout: Layout, *, force: bool = False, log=print) -> bool:
    """Install, populate and dump the ground truth; returns False when an up-to-date build exists."""
    if not force and is_built(layout):
        log(f"real WordPress already built in {layout.home}")
        return False
    for what in stop_leftovers(layout, all_sessions=True):
        log(f"stopped leftover {what}")
    if layout.home.exists():
        shutil.rmtree(layout.home)
    layout.run.mkdir(parents=True)
    started = time.monotonic()
    _copy_wordpress(layout)
    db = Database(layout)
    db.initialise()
    db.start()
    try:
        db.create_wordpress_database()
        log(run_php(layout, "install.php").strip())
        log(run_php(layout, "populate.php").strip())
        run_php(layout, "switch_theme.php", THEMES[0])
        with open(layout.truth, "w", encoding="utf-8") as out:
            run_php(layout, "truth.php", stdout=out)
        truth = json.loads(layout.truth.read_text())
    finally:
        db.stop()
    layout.stamp.write_text(json.dumps({
        "recipe": recipe_digest(), "wordpress": truth["site"]["wordpress_version"],
        "posts": len(truth["posts"]), "seconds": round(time.monotonic() - started, 1),
    }, indent=2) + "\n")
    log(f"built WordPress {truth['site']['wordpress_version']} with {len(truth['posts'])} posts "
        f"in {layout.home} ({time.monotonic() - started:.1f} s)")
    return True


class RealWordPress:
    """The built site, running: MariaDB, PHP's built-in server, and the proxy in front of them.

    Each instance runs on its own copy of the populated database (a session folder), so theme
    switches stay private and two test sessions on one machine do not stop each other's servers.
    """

    def __init__(self, layout: Layout | None = None, *, workers: int = 4):
        self.layout = layout or Layout.default()
        self.workers = workers
        self.session: Path | None = None
        self.db: Database | None = None
        self.php: subprocess.Popen | None = None
        self.php_port = 0
        self.proxy: ForwardProxy | None = None

    def __enter__(self) -> "RealWordPress":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        if not is_built(self.layout):
            raise RealWPError(f"no up-to-date build in {self.layout.home}; run tests/realwp/setup.sh")
        stop_leftovers(self.layout)
        self.layout.sessions.mkdir(exist_ok=True)
        self.session = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=self.layout.sessions))
        (self.session / "owner.pid").write_text(f"{os.getpid()}\n")
        shutil.copytree(self.layout.datadir, self.session / "db")
        self.db = Database(self.layout, self.session / "db", self.session)
        self.db.start()
        self.php_port = _free_port()
        env = dict(os.environ, REALWP_DOCROOT=str(self.layout.docroot), PHP_CLI_SERVER_WORKERS=str(self.workers),
                   REALWP_DB_SOCKET=str(self.db.socket))
        with open(self.session / "php-server.log", "ab") as log:
            self.php = subprocess.Popen(
                [find_program("php"), "-d", "memory_limit=256M", "-d", "display_errors=0", "-d", "log_errors=1",
                 "-d", f"error_log={self.session / 'php-errors.log'}", "-d", "expose_php=0",
                 "-S", f"127.0.0.1:{self.php_port}", "-t", str(self.layout.docroot), str(self.layout.home / "router.php")],
                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )
        (self.session / "php.pid").write_text(f"{self.php.pid}\n")
        self._wait_for_php()
        self.proxy = ForwardProxy({HOST: ("127.0.0.1", self.php_port)}).start()

    def _wait_for_php(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.php.poll() is not None:
                raise RealWPError(f"php -S exited with {self.php.returncode}; see {self.session / 'php-server.log'}")
            try:
                with socket.create_connection(("127.0.0.1", self.php_port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RealWPError(f"php -S did not listen on 127.0.0.1:{self.php_port} within 30 s")

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
            self.proxy = None
        if self.php is not None:
            _stop_pid(self.php.pid, group=True)
            self.php = None
        if self.db is not None:
            self.db.stop()
            self.db = None
        if self.session is not None:
            shutil.rmtree(self.session, ignore_errors=True)
            self.session = None

    @property
    def proxy_url(self) -> str:
        return self.proxy.proxy_url

    def switch_theme(self, theme: str) -> str:
        return run_php(self.layout, "switch_theme.php", theme, socket_path=self.db.socket).strip()

    def truth(self) -> dict:
        return json.loads(self.layout.truth.read_text(encoding="utf-8"))

    def request_log(self) -> list[dict]:
        return self.proxy.log.snapshot()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wpsite.py", description="A real WordPress for wparchive's tests.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="copy, install, populate and dump the ground truth (idempotent)")
    b.add_argument("--force", action="store_true", help="rebuild even when an up-to-date build exists")
    s = sub.add_parser("serve", help="run the site until Ctrl-C and print the proxy URL")
    s.add_argument("--theme", choices=THEMES, default=THEMES[0])
    s.add_argument("--port", type=int, default=0, help="proxy port (0 = any free port)")
    sub.add_parser("stop", help="end servers of REALWP_HOME whose owning process died, by their PID files")
    args = parser.parse_args(argv)
    layout = Layout.default()
    try:
        if args.command == "build":
            build(layout, force=args.force)
        elif args.command == "stop":
            print("\n".join(f"stopped {w}" for w in stop_leftovers(layout)) or "nothing was running")
        else:
            with RealWordPress(layout) as site:
                site.switch_theme(args.theme)
                if args.port:
                    site.proxy.stop()
                    site.proxy = ForwardProxy({HOST: ("127.0.0.1", site.php_port)}, port=args.port).start()
                print(f"{HOST} ({args.theme}) via proxy {site.proxy_url}\n"
                      f"  export http_proxy={site.proxy_url}\n  curl -x {site.proxy_url} http://{HOST}/", flush=True)
                signal.signal(signal.SIGTERM, signal.default_int_handler)
                try:
                    while True:
                        time.sleep(3600)
                except KeyboardInterrupt:
                    pass
    except RealWPError as exc:
        print(f"realwp: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
