# shellcheck shell=bash
# A throw-away PostgreSQL for the test suite, on 127.0.0.1 and a free port.
#
#   source .ci/start-postgres.sh      # starts it, exports MESSENGER_TEST_POSTGRES
#   dotnet test Messenger.sln         # PostgreSQL tests now run instead of skipping
#   messenger_stop_postgres           # stops it and deletes its data
#
# Run without `source` (bash .ci/start-postgres.sh) it starts the server and prints the export
# and the stop command. .ci/run sources it. What it does:
# - finds initdb/pg_ctl (/usr/lib/postgresql/<version>/bin on Debian, else PATH); when they are
#   missing and we are root it installs Debian's `postgresql` package;
# - the server never runs as root (PostgreSQL refuses to): as root it runs as the `postgres`
#   user, or a system user it creates, otherwise as you;
# - data, socket and log live in one mktemp directory; trust authentication, fsync off: nothing
#   here outlives the test run;
# - the tests connect as role `messenger` (password `messenger`, may create databases), owner of
#   database `messenger`; tests make their own schemas or databases from that connection string.
# Nothing here changes the options of the shell that sources it.

messenger__pg_find_bin() {
    local dir
    for dir in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return 0
    fi
    return 1
}

# Runs a command as the server's owner, from the data directory (root's home is not readable by it).
messenger__pg_as_owner() {
    if [ "$MESSENGER_PG_OWNER" = "$(id -un)" ]; then
        (cd "$MESSENGER_PG_DIR" && "$@")
    else
        (cd "$MESSENGER_PG_DIR" && runuser -u "$MESSENGER_PG_OWNER" -- "$@")
    fi
}

messenger__pg_port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

messenger_start_postgres() {
    local bin owner dir port attempt started=""
    if ! bin="$(messenger__pg_find_bin)"; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "start-postgres: initdb/pg_ctl not found; install PostgreSQL (Debian: apt-get install postgresql)" >&2
            return 1
        fi
        echo "start-postgres: PostgreSQL binaries missing, installing Debian's postgresql package" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql >&2 \
            || return 1
        bin="$(messenger__pg_find_bin)" || { echo "start-postgres: still no initdb after installing" >&2; return 1; }
    fi

    if [ "$(id -u)" -eq 0 ]; then
        owner=postgres
        if ! id -u "$owner" >/dev/null 2>&1; then
            owner=messenger-pg
            id -u "$owner" >/dev/null 2>&1 \
                || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$owner" \
                || return 1
        fi
    else
        owner="$(id -un)"
    fi

    dir="$(mktemp -d "${TMPDIR:-/tmp}/messenger-pg.XXXXXX")" || return 1
    chown "$owner" "$dir" 2>/dev/null || [ "$owner" = "$(id -un)" ] || return 1
    export MESSENGER_PG_BIN="$bin" MESSENGER_PG_OWNER="$owner" MESSENGER_PG_DIR="$dir"

    if ! messenger__pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        echo "start-postgres: initdb failed" >&2
        return 1
    fi

    # Another process may take a port between the check and the bind: try a few.
    for attempt in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 30000))
        messenger__pg_port_is_free "$port" || continue
        if messenger__pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
                -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
                start >/dev/null; then
            started=yes
            break
        fi
        echo "start-postgres: start on port $port failed (attempt $attempt), log follows" >&2
        tail -n 20 "$dir/postgres.log" >&2 || true
    done
    if [ -z "$started" ]; then
        echo "start-postgres: could not start PostgreSQL" >&2
        return 1
    fi
    export MESSENGER_PG_PORT="$port"

    if ! "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
            -c "CREATE ROLE messenger LOGIN CREATEDB PASSWORD 'messenger'" \
            -c "CREATE DATABASE messenger OWNER messenger" >&2; then
        echo "start-postgres: could not create the messenger role and database" >&2
        messenger_stop_postgres
        return 1
    fi

    export MESSENGER_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=messenger;Password=messenger;Database=messenger"
    echo "start-postgres: PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)" >&2
}

# Stops the server and deletes its data; safe to call twice or when nothing was started.
messenger_stop_postgres() {
    if [ -n "${MESSENGER_PG_DIR:-}" ] && [ -d "$MESSENGER_PG_DIR" ]; then
        if [ -f "$MESSENGER_PG_DIR/data/postmaster.pid" ]; then
            messenger__pg_as_owner "$MESSENGER_PG_BIN/pg_ctl" -D "$MESSENGER_PG_DIR/data" -m fast -w -t 60 stop >/dev/null \
                || messenger__pg_as_owner "$MESSENGER_PG_BIN/pg_ctl" -D "$MESSENGER_PG_DIR/data" -m immediate stop >/dev/null \
                || true
        fi
        rm -rf "$MESSENGER_PG_DIR"
    fi
    unset MESSENGER_PG_DIR MESSENGER_PG_PORT MESSENGER_TEST_POSTGRES
}

if (return 0 2>/dev/null); then
    messenger_start_postgres
else
    messenger_start_postgres || exit 1
    echo "export MESSENGER_TEST_POSTGRES='$MESSENGER_TEST_POSTGRES'"
    if [ "$MESSENGER_PG_OWNER" = "$(id -un)" ]; then stop_as=""; else stop_as="runuser -u $MESSENGER_PG_OWNER -- "; fi
    echo "# stop with: ${stop_as}$MESSENGER_PG_BIN/pg_ctl -D $MESSENGER_PG_DIR/data stop && rm -rf $MESSENGER_PG_DIR"
fi
