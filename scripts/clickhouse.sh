#!/usr/bin/env bash
# A private ClickHouse for the analytics sink's tests and for trying the sink by hand: Debian 12's
# clickhouse-server (18.16), with its own configuration, data and logs under one directory,
# listening on loopback only.
#
#   clickhouse.sh install                  apt-get install clickhouse-server and -client if missing
#   clickhouse.sh start DIR HTTP_PORT      start (or find running) the server of DIR; prints its URL.
#                                          HTTP_PORT 0 picks a free port.
#   clickhouse.sh stop DIR                 stop the server of DIR (TERM, then KILL after a while)
#
# The server runs as the user who calls the script (root is accepted by 18.16) and never binds
# anything but 127.0.0.1: the default user has no password, so it must not be reachable from
# another host. Its TCP (native protocol) port is a free one, written to DIR/tcp_port for
# `clickhouse-client --port`; interserver HTTP is off (no replication here).
set -euo pipefail

server_binary=/usr/sbin/clickhouse-server
start_wait_seconds=${CLICKHOUSE_START_WAIT_SECONDS:-60}
stop_wait_seconds=${CLICKHOUSE_STOP_WAIT_SECONDS:-30}

usage() {
    echo "usage: clickhouse.sh install | start DIR HTTP_PORT | stop DIR" >&2
    exit 2
}

install() {
    if [ -x "$server_binary" ] && command -v clickhouse-client >/dev/null; then
        return 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    # The package lists are only fetched when apt does not know the package yet.
    if ! apt-cache show clickhouse-server >/dev/null 2>&1; then
        apt-get update -q
    fi
    apt-get install -y -q clickhouse-server clickhouse-client
}

# Whether something accepts connections on 127.0.0.1:$1.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A port nobody listens on now, from the ephemeral-free range 20000-29999.
free_port() {
    local skip=${1:-0} port tries
    for tries in $(seq 1 200); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 10000))
        [ "$port" = "$skip" ] && continue
        port_in_use "$port" || { echo "$port"; return 0; }
    done
    echo "clickhouse.sh: no free port found" >&2
    return 1
}

# Whether GET /ping on the port answers "Ok.".
pings() {
    local port=$1
    # In a subshell, so that a refused connection neither prints nor leaves descriptor 4 open.
    (
        exec 4<>"/dev/tcp/127.0.0.1/$port" || exit 1
        printf 'GET /ping HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&4
        reply=$(timeout 2 cat <&4 || true)
        case "$reply" in *"Ok."*) exit 0 ;; *) exit 1 ;; esac
    ) 2>/dev/null
}

# Whether process $1 is the server of directory $2 (its exact --config-file argument).
serves() {
    local pid=$1 dir=$2
    [ -r "/proc/$pid/cmdline" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$server_binary" ] &&
        tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "--config-file=$dir/config.xml"
}

# The pid of DIR's server if one runs. A pid file whose process is gone or is another program
# is stale and removed; a server running without a pid file (the file was deleted) is found by
# its command line, so that a second server never fights the first for the directory.
running_pid() {
    local dir=$1 pid entry
    if [ -f "$dir/server.pid" ]; then
        pid=$(cat "$dir/server.pid" 2>/dev/null || true)
        if [ -n "$pid" ] && serves "$pid" "$dir"; then
            echo "$pid"
            return 0
        fi
        rm -f "$dir/server.pid"
    fi
    for entry in /proc/[0-9]*; do
        pid=${entry#/proc/}
        if serves "$pid" "$dir"; then
            echo "$pid" > "$dir/server.pid"
            echo "$pid"
            return 0
        fi
    done
    return 1
}

write_config() {
    local dir=$1 http_port=$2 tcp_port=$3
    cat > "$dir/config.xml" <<EOF
<?xml version="1.0"?>
<!-- Written by scripts/clickhouse.sh: a private server, loopback only. -->
<yandex>
    <logger>
        <level>warning</level>
        <log>$dir/log/clickhouse-server.log</log>
        <errorlog>$dir/log/clickhouse-server.err.log</errorlog>
        <size>10M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$http_port</http_port>
    <tcp_port>$tcp_port</tcp_port>
    <max_connections>256</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>32</max_concurrent_queries>
    <uncompressed_cache_size>67108864</uncompressed_cache_size>
    <mark_cache_size>67108864</mark_cache_size>
    <path>$dir/data/</path>
    <tmp_path>$dir/tmp/</tmp_path>
    <user_files_path>$dir/user_files/</user_files_path>
    <format_schema_path>$dir/format_schemas/</format_schema_path>
    <users_config>$dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
    <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
    <max_session_timeout>3600</max_session_timeout>
    <default_session_timeout>60</default_session_timeout>
</yandex>
EOF
    cat > "$dir/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>2000000000</max_memory_usage>
            <load_balancing>random</load_balancing>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks>
                <ip>127.0.0.1</ip>
                <ip>::1</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
EOF
}

start() {
    local dir http_port tcp_port pid
    [ $# -eq 2 ] || usage
    mkdir -p "$1"
    dir=$(cd "$1" && pwd)
    http_port=$2
    case "$http_port" in '' | *[!0-9]*) echo "clickhouse.sh: HTTP_PORT must be a number" >&2; exit 2 ;; esac
    [ -x "$server_binary" ] || { echo "clickhouse.sh: $server_binary is missing; run: clickhouse.sh install" >&2; exit 1; }

    if pid=$(running_pid "$dir"); then
        http_port=$(cat "$dir/http_port")
        if pings "$http_port"; then
            echo "http://127.0.0.1:$http_port"
            return 0
        fi
        echo "clickhouse.sh: the server of $dir (pid $pid) runs but does not answer; stopping it" >&2
        stop "$dir"
    fi

    [ "$http_port" = 0 ] && http_port=$(free_port)
    if port_in_use "$http_port"; then
        echo "clickhouse.sh: 127.0.0.1:$http_port is in use by another program" >&2
        exit 1
    fi
    tcp_port=$(free_port "$http_port")
    mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
    write_config "$dir" "$http_port" "$tcp_port"
    echo "$http_port" > "$dir/http_port"
    echo "$tcp_port" > "$dir/tcp_port"

    # setsid: the server outlives the caller's process group (a test runner's terminal signals).
    # The signal mask is inherited through exec, and a caller such as a test runner may block
    # SIGTERM in the thread that starts us; ClickHouse would then never see `stop`'s TERM, so
    # the mask is cleared first (perl-base is part of every Debian system).
    setsid perl -MPOSIX -e 'sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die "sigprocmask: $!"; exec @ARGV or die "exec: $!"' \
        "$server_binary" "--config-file=$dir/config.xml" > "$dir/log/stdout.log" 2>&1 < /dev/null &
    pid=$!
    echo "$pid" > "$dir/server.pid"

    local waited=0
    while ! pings "$http_port"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$dir/server.pid"
            echo "clickhouse.sh: the server exited at start:" >&2
            grep -ah "<Error> Application" "$dir/log/clickhouse-server.err.log" 2>/dev/null | tail -n 3 >&2 ||
                tail -n 20 "$dir/log/stdout.log" >&2 2>/dev/null || true
            exit 1
        fi
        if [ "$waited" -ge $((start_wait_seconds * 10)) ]; then
            echo "clickhouse.sh: no answer on 127.0.0.1:$http_port/ping after ${start_wait_seconds}s" >&2
            stop "$dir"
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    echo "http://127.0.0.1:$http_port"
}

stop() {
    local dir pid waited=0
    [ $# -eq 1 ] || usage
    [ -d "$1" ] || return 0
    dir=$(cd "$1" && pwd)
    pid=$(running_pid "$dir") || return 0
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge $((stop_wait_seconds * 10)) ]; then
            echo "clickhouse.sh: the server of $dir (pid $pid) ignored TERM for ${stop_wait_seconds}s; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    rm -f "$dir/server.pid"
}

case "${1:-}" in
install) [ $# -eq 1 ] || usage; install ;;
start) shift; start "$@" ;;
stop) shift; stop "$@" ;;
*) usage ;;
esac
