#!/usr/bin/env bash
# Prospector's single test entry point (CI runs it as root on fresh Debian 12).
#   ./test.sh                          # everything
#   ./test.sh --filter Category=Http   # extra args go straight to `dotnet test`
# It provides the system services the tests need (Chromium for Playwright, a
# throw-away PostgreSQL server), builds once, runs the tests and prints a final
# "Tests: N passed, M failed[, K skipped]" line that CI reads.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# --- 1. System packages: install only what is missing ------------------------
# Highest installed PostgreSQL server version, e.g. /usr/lib/postgresql/15/bin.
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x "$(pg_bindir)/initdb" ]] || missing+=(postgresql)
# pg_dump/pg_restore for the PostgreSQL backup test (Cli/OperationsCliTests): it fails, never skips, without them.
command -v pg_dump >/dev/null && command -v pg_restore >/dev/null || missing+=(postgresql-client)
# Only a "Recommends" of chromium: without any font, text has no width and Playwright sees it as invisible.
dpkg -s fonts-liberation >/dev/null 2>&1 || missing+=(fonts-liberation)
# A real IMAP server for the dropbox tests (Http/DropboxImapTests): they fail, never skip, without it.
[[ -x /usr/sbin/dovecot ]] || missing+=(dovecot-imapd)
if ((${#missing[@]})); then
  if ((EUID == 0)); then sudo=()
  elif command -v sudo >/dev/null; then sudo=(sudo)
  else echo "test.sh: missing Debian packages (${missing[*]}); run as root or install sudo" >&2; exit 1
  fi
  echo "test.sh: installing ${missing[*]} ..." >&2
  # Lock timeout: wait for another apt run (e.g. unattended upgrades) instead of failing.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
    install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
PGBIN="$(pg_bindir)"

# --- 2. Throw-away PostgreSQL cluster ----------------------------------------
# PostgreSQL refuses to run as root, so as root every server command runs as
# the `postgres` user (created by the Debian package). Commands run from inside
# the temp dir so postgres never needs access to our (possibly private) cwd.
if ((EUID == 0)); then as_pg=(runuser -u postgres --); else as_pg=(); fi
pg() { (cd "$PGTMP" && "${as_pg[@]}" "$PGBIN/$1" "${@:2}"); }

PGTMP=""
DVTMP=""
cleanup() {   # runs on every exit; must stay silent so "Tests:" stays the last line
  if [[ -n "$DVTMP" ]]; then
    [[ -f "$DVTMP/run/master.pid" ]] && kill "$(cat "$DVTMP/run/master.pid")" >/dev/null 2>&1 || true
    rm -rf "$DVTMP"
  fi
  if [[ -n "$PGTMP" ]]; then
    [[ -f "$PGTMP/data/postmaster.pid" ]] && pg pg_ctl -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGTMP"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT    # turn signals into a normal exit so the EXIT trap runs
trap 'exit 143' TERM

# Always under /tmp (not $TMPDIR): the postgres user must be able to reach it.
PGTMP="$(mktemp -d /tmp/prospector-pg.XXXXXX)"
((EUID == 0)) && chown postgres:postgres "$PGTMP"
# Let the kernel pick a free loopback port.
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

# Trust auth is fine: the cluster is throw-away and only listens on loopback.
if ! pg initdb -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --no-sync >"$PGTMP/initdb.log" 2>&1; then
  echo "test.sh: initdb failed:" >&2; cat "$PGTMP/initdb.log" >&2; exit 1
fi
cat >>"$PGTMP/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PGTMP'
max_connections = 200
# Durability is pointless for test data; these make tests much faster.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
pg pg_ctl -D "$PGTMP/data" -l "$PGTMP/server.log" -W start >/dev/null
for _ in $(seq 1 60); do   # up to 30 s
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres && break
  sleep 0.5
done
if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; then
  echo "test.sh: PostgreSQL did not become ready on port $PORT; server log:" >&2
  cat "$PGTMP/server.log" >&2; exit 1
fi

# --- 2b. Throw-away IMAP server (dovecot) for the dropbox tests --------------
# Its own config under /tmp (the system's /etc/dovecot is never read): passwd-file login with a random password,
# plain-text login on loopback only, maildir in the temp dir. As root its processes run as the package's users.
DVTMP="$(mktemp -d /tmp/prospector-imap.XXXXXX)"
DVPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
DVPASS="$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
if ((EUID == 0)); then dv_user=dovecot; dv_mail_user=dovenull; else dv_user="$(id -un)"; dv_mail_user="$(id -un)"; fi
chmod 755 "$DVTMP"   # dovecot's auth and mail processes run as other users and must reach it
mkdir -p "$DVTMP/mail" "$DVTMP/run"
echo "dropbox:{PLAIN}$DVPASS:$(id -u "$dv_mail_user"):$(id -g "$dv_mail_user")::$DVTMP/mail" >"$DVTMP/passwd"
if ((EUID == 0)); then chown "$dv_mail_user" "$DVTMP/mail"; chown "$dv_user" "$DVTMP/passwd"; fi
chmod 600 "$DVTMP/passwd"
cat >"$DVTMP/dovecot.conf" <<CONF
base_dir = $DVTMP/run
state_dir = $DVTMP/run
instance_name = prospector-test-$DVPORT
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = $dv_user
default_login_user = $dv_user
log_path = $DVTMP/dovecot.log
mail_location = maildir:$DVTMP/mail/Maildir
first_valid_uid = 0
passdb {
  driver = passwd-file
  args = $DVTMP/passwd
}
userdb {
  driver = passwd-file
  args = $DVTMP/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $DVPORT
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
CONF
if ! /usr/sbin/dovecot -c "$DVTMP/dovecot.conf" 2>"$DVTMP/start.log"; then
  echo "test.sh: dovecot did not start:" >&2; cat "$DVTMP/start.log" "$DVTMP/dovecot.log" 2>/dev/null >&2; exit 1
fi
for _ in $(seq 1 60); do   # up to 30 s
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $DVPORT), 1).close()" 2>/dev/null && break
  sleep 0.5
done
# The dropbox tests read the IMAP server's coordinates here (each test uses its own folder).
export PROSPECTOR_TEST_IMAP="Host=127.0.0.1;Port=$DVPORT;UserName=dropbox;Password=$DVPASS"

# --- 3. Environment the tests read ------------------------------------------
# Tests create (and drop) their own databases through this connection string.
export PROSPECTOR_TEST_POSTGRES="Host=127.0.0.1;Port=$PORT;Username=postgres;Password=postgres;Database=postgres"
export PLAYWRIGHT_CHROMIUM_EXECUTABLE=/usr/bin/chromium
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# --- 4. Build once, then test -------------------------------------------------
RESULTS="$PWD/TestResults"   # git-ignored; wiped so stale .trx files are not counted
rm -rf "$RESULTS"
dotnet build Prospector.slnx -c Release
# Style is part of "green": the build enforces the .editorconfig rules; this adds whitespace and layout.
if ! dotnet format Prospector.slnx --verify-no-changes --no-restore; then
  echo "test.sh: 'dotnet format' would change files (listed above); run: dotnet format Prospector.slnx" >&2
  exit 1
fi
# No LogFileName: with several test projects a fixed name makes them overwrite
# each other's .trx (microsoft/vstest#3026); default names are unique.
test_rc=0
dotnet test Prospector.slnx -c Release --no-build --logger trx --results-directory "$RESULTS" "$@" || test_rc=$?

# --- 5. Summary line for CI: sum the <Counters> of every .trx file ----------
summary_rc=0
python3 - "$RESULTS" <<'PY' || summary_rc=$?
import sys, pathlib, xml.etree.ElementTree as ET
tot = {"total": 0, "executed": 0, "passed": 0, "failed": 0}
for trx in sorted(pathlib.Path(sys.argv[1]).rglob("*.trx")):
    for c in ET.parse(trx).iter():
        if c.tag.rsplit("}", 1)[-1] == "Counters":
            n = lambda k: int(c.get(k, 0))
            tot["total"] += n("total"); tot["executed"] += n("executed"); tot["passed"] += n("passed")
            tot["failed"] += n("failed") + n("error") + n("timeout") + n("aborted")
skipped = tot["total"] - tot["executed"]
print(f"Tests: {tot['passed']} passed, {tot['failed']} failed" + (f", {skipped} skipped" if skipped > 0 else ""))
sys.exit(1 if tot["failed"] or tot["executed"] == 0 else 0)
PY
((test_rc == 0 && summary_rc == 0))
