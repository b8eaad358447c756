#!/usr/bin/env bash
# Runs the simulated site: a private mosquitto on a free loopback port, the four agents, and a
# live view. Ctrl-C stops everything and leaves no process behind. Used by `make run`.
set -euo pipefail

bin=${VIGIL_BIN_DIR:-$(swift build -c release --show-bin-path)}
top=$(cd "$(dirname "$0")/.." && pwd)
work=${VIGIL_RUN_DIR:-$top/run}
site=${VIGIL_SITE:-demo}
mkdir -p "$work/broker" "$work/logs" "$work/state"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -E "s/^listener [0-9]+ 127\.0\.0\.1$/listener $port 127.0.0.1/" "$top/broker-config/mosquitto-dev.conf" \
    > "$work/broker/mosquitto.conf"
# mosquitto started as root drops to the 'mosquitto' user unless told otherwise; it needs no files here.
[ "$(id -u)" -eq 0 ] && echo "user root" >> "$work/broker/mosquitto.conf"

pids=()
broker=""
# Stops the given processes with SIGTERM, waits up to 3 s, then SIGKILLs what is left.
stop() {
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 30); do
        alive=0
        for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ $alive -eq 0 ] && return
        sleep 0.1
    done
    for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
}
cleanup() {
    # A closed terminal or pager must not kill this shell half-way through stopping things.
    trap '' PIPE
    trap - INT TERM EXIT
    set +e
    echo; echo "stopping agents, then the broker..."
    # Agents first, so each can still publish its offline status; the broker last.
    [ ${#pids[@]} -gt 0 ] && stop "${pids[@]}"
    [ -n "$broker" ] && stop "$broker"
    wait 2>/dev/null
    echo "stopped. logs: $work/logs/, history: $work/state/recorder/history.db"
}
trap cleanup INT TERM EXIT

# Its own session, so the terminal's Ctrl-C reaches the agents but not the broker they report to.
setsid mosquitto -c "$work/broker/mosquitto.conf" > "$work/logs/broker.log" 2>&1 &
broker=$!
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done

for agent in recorder alerter evaluator collector; do
    VIGIL_SITE=$site VIGIL_BROKER_PORT=$port VIGIL_STATE_DIR="$work/state/$agent" \
        "$bin/vigil-$agent" --config "$top/config/vigil.yaml" > "$work/logs/$agent.log" 2>&1 &
    pids+=($!)
done

echo "Vigil site '$site': broker 127.0.0.1:$port, agents logging to $work/logs/"
echo "The simulated jar 7 of ups1-str01 is failing; pump-2 vibrates in episodes. Alerts follow within a minute."
"$bin/vigil" watch --site "$site" --broker-port "$port" --interval 10 &
pids+=($!)
wait "${pids[-1]}"
