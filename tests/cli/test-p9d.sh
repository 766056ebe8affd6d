#!/bin/bash
# test-p9d.sh: the p9d and p9 programs as a user meets them: options,
# one-line errors and exit codes, every transport, signals.
#   test-p9d.sh BUILDDIR
# Prints TAP lines and a closing "N passed, N failed" line.
set -u
build=$1
p9d=$build/cmd/p9d
p9=$build/cmd/p9
docs=$(cd "$(dirname "$0")/../../docs" && pwd)
work=$(mktemp -d /var/tmp/p9d-cli-XXXXXX)
chmod 755 "$work"
mkdir "$work/export"
echo "hello" > "$work/export/greeting"
pass=0 fail=0 n=0 pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1 # $2"; }
check() { # check NAME EXPECTED ACTUAL
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "expected [$2], got [$3]"; fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # wait_for FILE PATTERN: until PATTERN shows up in FILE (5 s)
	for _ in $(seq 50); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

# --- options and exit codes ---
"$p9d" --help > "$work/out" 2>&1; check "--help exits 0" 0 $?
grep -q "^usage: p9d --export DIR" "$work/out"; check "--help prints usage" 0 $?
"$p9d" > "$work/out" 2>&1; check "no --export exits 2" 2 $?
check "no --export says so in one line" "p9d: missing option: --export DIR" "$(head -n 1 "$work/out")"
"$p9d" --export "$work/export" --security-model bogus > "$work/out" 2>&1
check "unknown model exits 2" 2 $?
check "unknown model message" "p9d: unknown security model: bogus" "$(head -n 1 "$work/out")"
"$p9d" --export "$work/export" --msize 100 > "$work/out" 2>&1; check "msize below 4096 exits 2" 2 $?
"$p9d" --export "$work/nope" > "$work/out" 2>&1; check "missing export dir exits 1" 1 $?
check "missing export dir message" \
	"p9d: $work/nope: cannot open the export directory (No such file or directory)" "$(cat "$work/out")"
"$p9d" --export "$work/export/greeting" > "$work/out" 2>&1; check "export that is a file exits 1" 1 $?
grep -q "export is not a directory" "$work/out"; check "export that is a file message" 0 $?

port=$(free_port)
"$p9d" --export "$work/export" --listen "tcp:127.0.0.1:$port" > "$work/d1.log" 2>&1 &
pids+=($!)
wait_for "$work/d1.log" "serving"
"$p9d" --export "$work/export" --listen "tcp:127.0.0.1:$port" > "$work/out" 2>&1
check "port in use exits 1" 1 $?
check "port in use message" "p9d: tcp:127.0.0.1:$port: address already in use (Address already in use)" \
	"$(cat "$work/out")"

# --- TCP IPv4: the CLI against the daemon ---
check "p9 cat over tcp" "hello" "$("$p9" -a "tcp:127.0.0.1:$port" cat /greeting 2>&1)"
echo "put data" | "$p9" -a "tcp:127.0.0.1:$port" put - /put.txt
check "p9 put over tcp" "put data" "$(cat "$work/export/put.txt")"
"$p9" -a "tcp:127.0.0.1:$port" cat /missing > "$work/out" 2>&1; check "p9 cat of missing exits 1" 1 $?
check "p9 missing message" "p9: /missing: No such file or directory" "$(cat "$work/out")"

# --- SIGTERM: clean exit 0 ---
kill -TERM "${pids[0]}"
wait "${pids[0]}"; check "SIGTERM exits 0" 0 $?

# --- IPv6, port 0 resolved in the start-up line ---
if python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
	"$p9d" --export "$work/export" --listen "tcp:[::1]:0" > "$work/d6.log" 2>&1 &
	pids+=($!)
	wait_for "$work/d6.log" "serving"
	addr=$(sed -n 's/.* on \(tcp:.*\)$/\1/p' "$work/d6.log" | head -n 1)
	check "p9 cat over tcp6 ($addr)" "hello" "$("$p9" -a "$addr" cat /greeting 2>&1)"
	kill -INT $!; wait $!; check "SIGINT exits 0" 0 $?
else
	n=$((n + 1)); echo "ok $n - tcp6 # SKIP no IPv6 loopback"
fi

# --- Unix socket, read-only ---
"$p9d" --export "$work/export" --listen "unix:$work/sock" --readonly > "$work/du.log" 2>&1 &
pids+=($!)
wait_for "$work/du.log" "serving"
check "p9 cat over unix" "hello" "$("$p9" -a "unix:$work/sock" cat /greeting 2>&1)"
echo x | "$p9" -a "unix:$work/sock" put - /ro.txt > "$work/out" 2>&1
check "put on a read-only export exits 1" 1 $?
check "read-only message" "p9: /ro.txt: Read-only file system" "$(cat "$work/out")"
kill -TERM $!; wait $!
[ -e "$work/sock" ]; check "unix socket removed at exit" 1 $?

# --- fd transport: one client on an inherited socket; p9d leaves with it ---
python3 - "$p9d" "$p9" "$work/export" > "$work/out" 2>&1 <<'PY'
import os, socket, subprocess, sys
p9d, p9, export = sys.argv[1:4]
a, b = socket.socketpair()
d = subprocess.Popen([p9d, "--export", export, "--listen", "fd:%d" % a.fileno()],
                     pass_fds=[a.fileno()])
a.close()
out = subprocess.run([p9, "-a", "fd:%d" % b.fileno(), "cat", "/greeting"],
                     pass_fds=[b.fileno()], capture_output=True, text=True)
b.close()
print(out.stdout.strip())
print(d.wait(timeout=5))
PY
check "fd transport serves and exits 0 with its client" "hello
0" "$(cat "$work/out")"

# --- privilege: passthrough refuses to start unprivileged, none works ---
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
	as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	"${as_nobody[@]}" "$p9d" --export "$work/export" --listen "tcp:127.0.0.1:0" > "$work/out" 2>&1
	check "passthrough unprivileged exits 1" 1 $?
	grep -q "passthrough needs root" "$work/out"; check "passthrough unprivileged says why" 0 $?
	port=$(free_port)
	"${as_nobody[@]}" "$p9d" --export "$work/export" --security-model none \
		--listen "tcp:127.0.0.1:$port" > "$work/dn.log" 2>&1 &
	pids+=($!)
	wait_for "$work/dn.log" "serving"
	check "none unprivileged serves" "hello" "$("$p9" -a "tcp:127.0.0.1:$port" cat /greeting 2>&1)"
	check "none unprivileged: no capabilities, no_new_privs" "0000000000000000 1" \
		"$(awk '$1 == "CapEff:" { c = $2 } $1 == "NoNewPrivs:" { v = $2 } END { print c, v }' "/proc/$!/status")"
	kill -TERM $!; wait $!
else
	n=$((n + 1)); echo "ok $n - privilege checks # SKIP not root"
fi

# --- out of descriptors: new clients are hung up on, and nothing spins ---
if command -v prlimit > /dev/null; then
	port=$(free_port)
	prlimit --nofile=48:48 "$p9d" --export "$work/export" --listen "tcp:127.0.0.1:$port" \
		--security-model none > "$work/nofile.log" 2>&1 &
	nofile_pid=$!
	pids+=($nofile_pid)
	wait_for "$work/nofile.log" "serving"
	check "out of descriptors: p9d idles, a new client is hung up on" "idle hungup" \
		"$(python3 - "$port" "$nofile_pid" <<'EOF'
import os, socket, sys, time
port, pid = int(sys.argv[1]), sys.argv[2]
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(80)]
time.sleep(0.5)
def cpu():
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
c0 = cpu(); time.sleep(1.0); c1 = cpu()
extra = socket.create_connection(("127.0.0.1", port)); extra.settimeout(3)
try:
    hung = extra.recv(1) == b""
except ConnectionResetError:
    hung = True
except OSError:
    hung = False
print("spin" if c1 - c0 > 0.3 else "idle", "hungup" if hung else "waiting")
for s in held + [extra]:
    s.close()
EOF
)"
	sleep 0.5
	check "out of descriptors: served again once clients leave" "hello" \
		"$("$p9" -a "tcp:127.0.0.1:$port" cat /greeting 2>&1)"
	# (the hang-up comes first, the log line just after it; the limit
	# strikes at accept or at the connection's second descriptor)
	wait_for "$work/nofile.log" "refusing new connections until some close"
	check "out of descriptors: said in the log" 0 $?
	kill -TERM "$nofile_pid"; wait "$nofile_pid"
fi

# --- the manual pages say what --help says ---
missing=""
for opt in $("$p9d" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
	grep -qF -- "$(printf '%s' "$opt" | sed 's/-/\\-/g')" "$docs/p9d.8" || missing="$missing $opt"
done
check "p9d.8 documents every option of p9d --help" "" "$missing"
missing=""
for cmd in $("$p9" --help 2>&1 | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF {print $1}'); do
	grep -qE "^\.(B|BI|BR) \"?$cmd\b" "$docs/p9.1" || missing="$missing $cmd"
done
check "p9.1 documents every command of p9 --help" "" "$missing"
if command -v groff > /dev/null; then
	for page in p9d.8 p9.1; do
		check "$page renders without warnings" "" \
			"$(groff -man -ww -z "$docs/$page" 2>&1)"
	done
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
