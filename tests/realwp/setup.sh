#!/bin/sh
# Prepares the real-WordPress end-to-end tests (tests/realwp): installs Debian's WordPress 6.1,
# MariaDB and PHP packages when they are missing, without leaving Apache or the system MariaDB
# running, then builds the populated test site under $REALWP_HOME (default /tmp/wparchive-realwp).
# Idempotent: a second run installs nothing and keeps an up-to-date site. Nothing is left running;
# the tests start the servers themselves and stop them by PID.
#
#   tests/realwp/setup.sh           install + build
#   tests/realwp/setup.sh --force   rebuild the site even if it is up to date
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-python3}
PACKAGES="mariadb-server mariadb-client php-cli php-mysql php-gd php-xml php-mbstring
wordpress wordpress-l10n wordpress-theme-twentytwentyone wordpress-theme-twentytwentythree"
started=$(date +%s)

missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done

# Services the package scripts may start: stopped again by the PID they wrote, only if this run
# installed them.
stop_service_started_by_apt() {
    name=$1 pidfile=$2
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile" 2>/dev/null || true)
    case "$pid" in ''|*[!0-9]*) return 0 ;; esac
    if [ -r "/proc/$pid/comm" ] && grep -q "$name" "/proc/$pid/comm"; then
        echo "realwp: stopping $name (pid $pid) that the package install started"
        as_root kill "$pid"
    fi
}

if [ -n "$missing" ]; then
    # The packages need root; the site itself is built as the user who runs the tests.
    if [ "$(id -u)" = 0 ]; then
        as_root() { "$@"; }
    elif command -v sudo >/dev/null; then
        as_root() { sudo "$@"; }
    else
        echo "realwp: these Debian packages are missing and installing them needs root:$missing" >&2
        exit 1
    fi
    echo "realwp: installing$missing"
    # Keep the package scripts from starting apache2 and the system mariadb service.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
        as_root chmod 755 /usr/sbin/policy-rc.d
        trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    # shellcheck disable=SC2086
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing; then
        as_root apt-get update -q
        # shellcheck disable=SC2086
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
    fi
    stop_service_started_by_apt apache2 /var/run/apache2/apache2.pid
    stop_service_started_by_apt mariadbd /run/mysqld/mysqld.pid
fi

"$PYTHON" "$HERE/wpsite.py" build "$@"
echo "realwp: setup done in $(( $(date +%s) - started )) s"
