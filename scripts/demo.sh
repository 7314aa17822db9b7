#!/usr/bin/env bash
# Starts a demo JVM with the agent and leaves it running in the background.
# Usage: scripts/demo.sh path/to/libnativejmx.so
# Port: 9404, or $NJ_DEMO_PORT. Files: build/demo/ (config.yaml, classes/, jvm.log, jvm.pid).
set -euo pipefail

agent=${1:?usage: $0 path/to/libnativejmx.so}
[[ -f $agent ]] || { echo "demo: $agent: no such file (run make build first)" >&2; exit 1; }
agent=$(cd "$(dirname "$agent")" && pwd)/$(basename "$agent")

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
demo=${NJ_BUILD:-$repo/build}/demo
port=${NJ_DEMO_PORT:-9404}
jdk=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
sources=("$repo"/tests/jvm/fixtures/*.java)
classes=$demo/classes
mkdir -p "$demo"

port_taken() {
  if command -v ss >/dev/null; then
    [[ -n $(ss -Hltn "sport = :$port") ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}
if port_taken; then
  echo "demo: port $port is already in use; stop what listens there or pick another with NJ_DEMO_PORT=..." >&2
  [[ -f $demo/jvm.pid ]] && echo "demo: an earlier demo JVM may still run: kill $(cat "$demo/jvm.pid")" >&2
  exit 1
fi

# Compile the fixture application when a source is newer than its classes.
stamp=$classes/.compiled
if [[ ! -f $stamp ]] || [[ -n $(find "${sources[@]}" -newer "$stamp") ]]; then
  rm -rf "$classes"
  "$jdk/bin/javac" --release 11 -d "$classes" "${sources[@]}"
  touch "$stamp"
fi

cat > "$demo/config.yaml" <<'EOF'
# Every MBean attribute in the javaagent's default format.
rules:
  - pattern: ".*"
EOF

cd "$demo"
nohup "$jdk/bin/java" "-agentpath:$agent=$port:$demo/config.yaml" -cp "$classes" \
  nativejmx.fixture.FixtureApp forever >"$demo/jvm.log" 2>&1 </dev/null &
pid=$!
echo "$pid" > "$demo/jvm.pid"

for _ in $(seq 1 300); do
  if curl -sf -o /dev/null "http://localhost:$port/metrics"; then
    echo "nativejmx demo JVM running (PID $pid), log: $demo/jvm.log"
    echo "  scrape:  curl http://localhost:$port/metrics"
    echo "  stop:    kill $pid"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "demo: the JVM exited; its log ($demo/jvm.log):" >&2
    cat "$demo/jvm.log" >&2
    exit 1
  fi
  sleep 0.1
done
echo "demo: /metrics on port $port did not answer within 30 s; log: $demo/jvm.log; stopping PID $pid" >&2
kill "$pid" 2>/dev/null || true
exit 1
