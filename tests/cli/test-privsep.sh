#!/bin/bash
# test-privsep.sh: least privilege of a running p9d, read from
# /proc/PID/status: the exact capability sets of each security model,
# --user, running unprivileged, and the namespace sandbox with its seccomp
# filter (pid 1 of its namespace: /proc/PID/root holds only etc, export
# and fd).
#   test-privsep.sh BUILDDIR
# TAP lines and a closing "N passed, N failed" line; exit 77 (skip) unless
# root on Linux, since every check starts p9d as root.
set -u
build=$1
p9d=$build/cmd/p9d
p9=$build/cmd/p9
if [ "$(id -u)" -ne 0 ] || [ ! -r /proc/self/status ]; then
	echo "1..0 # SKIP needs root on Linux"
	exit 77
fi
work=$(mktemp -d /var/tmp/p9d-privsep-XXXXXX)
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
wait_for() { # wait_for FILE PATTERN (5 s)
	for _ in $(seq 50); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
field() { awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"; }
caps() { echo "$(field "$1" CapEff) $(field "$1" CapPrm) $(field "$1" CapBnd)"; }
# start NAME ARGS...: p9d on a fresh port; sets $pid and $addr
start() {
	local name=$1
	shift
	local port
	port=$(free_port)
	addr=tcp:127.0.0.1:$port
	# A sanitizer build's leak check needs /proc, which the sandbox hides.
	local env=()
	[[ " $* " == *" --sandbox=namespace "* ]] && env=(env "ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0")
	"${env[@]}" "$p9d" --export "$work/export" --listen "$addr" "$@" > "$work/$name.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	wait_for "$work/$name.log" "serving" || echo "# $name did not start: $(cat "$work/$name.log")"
	ready "$addr"
}
# "serving" is printed before p9d confines itself; the first answer comes
# after (the workers start last).
ready() { "$p9" -a "$1" ls / > /dev/null 2>&1 || echo "# no answer from $1"; }
stop() { # stop PID: SIGTERM, then its exit status
	kill -TERM "$1"
	wait "$1"
}

# --- capabilities per model, as root (CapEff CapPrm CapBnd) ---
# passthrough: CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID SETGID SETUID MKNOD
# none:        DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID MKNOD
# mapped-*:    DAC_OVERRIDE DAC_READ_SEARCH FOWNER
declare -A want=([passthrough]=00000000080000df [none]=000000000800001e
	[mapped-xattr]=000000000000000e [mapped-file]=000000000000000e)
for model in passthrough none mapped-xattr mapped-file; do
	start "$model" --security-model "$model"
	m=${want[$model]}
	check "$model: exact capability sets" "$m $m $m" "$(caps "$pid")"
	check "$model: no_new_privs" 1 "$(field "$pid" NoNewPrivs)"
	check "$model: nothing inheritable or ambient" "0000000000000000 0000000000000000" \
		"$(field "$pid" CapInh) $(field "$pid" CapAmb)"
	check "$model: serves with them" hello "$("$p9" -a "$addr" cat /greeting 2>&1)"
	stop "$pid"
	check "$model: SIGTERM exits 0" 0 $?
done

# --- passthrough as each user, with the drop in place ---
chmod 1777 "$work/export"
start pt-users --security-model passthrough
echo "by 1000" | "$p9" -a "$addr" -u 1000 put - /by1000
check "passthrough: a file made as uid 1000 is owned by 1000" "1000" \
	"$(stat -c %u "$work/export/by1000")"
echo "secret" > "$work/export/rootonly"
chmod 600 "$work/export/rootonly"
"$p9" -a "$addr" -u 1000 cat /rootonly > "$work/out" 2>&1
check "passthrough: uid 1000 cannot read a 0600 root file" \
	"p9: /rootonly: Permission denied" "$(cat "$work/out")"
check "passthrough: root still can" secret "$("$p9" -a "$addr" -u 0 cat /rootonly 2>&1)"
stop "$pid"
rm -f "$work/export/by1000" "$work/export/rootonly"
chmod 755 "$work/export"

# --- --user ---
"$p9d" --export "$work/export" --security-model passthrough --user nobody > "$work/out" 2>&1
check "passthrough with --user exits 2" 2 $?
check "passthrough with --user message" \
	"p9d: --user is for --security-model none, mapped-xattr or mapped-file (passthrough needs root): nobody" \
	"$(head -n 1 "$work/out")"
"$p9d" --export "$work/export" --security-model none --user no-such-user-p9d > "$work/out" 2>&1
check "--user with an unknown user exits 2" 2 $?
check "--user unknown message" "p9d: --user: no such user: no-such-user-p9d" "$(head -n 1 "$work/out")"
"$p9d" --export "$work/export" --security-model none --user 0 > "$work/out" 2>&1
check "--user 0 exits 2" 2 $?
chown 65534:65534 "$work/export"
start user-mapped --security-model mapped-xattr --user 65534:65534
check "--user: all uids 65534" "65534 65534 65534 65534" "$(field "$pid" Uid | tr -s '\t' ' ')"
check "--user: all gids 65534" "65534 65534 65534 65534" "$(field "$pid" Gid | tr -s '\t' ' ')"
check "--user: no capability, bounding set empty" \
	"0000000000000000 0000000000000000 0000000000000000" "$(caps "$pid")"
check "--user: no_new_privs" 1 "$(field "$pid" NoNewPrivs)"
echo "made" | "$p9" -a "$addr" put - /made
check "--user: new files belong to the user on the host" "65534:65534" \
	"$(stat -c %u:%g "$work/export/made")"
stop "$pid"
check "--user: SIGTERM exits 0" 0 $?
rm -f "$work/export/made"
chown 0:0 "$work/export"

# --- started unprivileged: mapped and none work, passthrough refuses ---
chown 65534:65534 "$work/export"
for model in none mapped-file; do
	port=$(free_port)
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$p9d" --export "$work/export" --security-model "$model" \
		--listen "tcp:127.0.0.1:$port" > "$work/u-$model.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	wait_for "$work/u-$model.log" serving
	ready "tcp:127.0.0.1:$port"
	check "unprivileged $model: no capabilities" "0000000000000000 0000000000000000" \
		"$(field "$pid" CapEff) $(field "$pid" CapPrm)"
	check "unprivileged $model: no_new_privs" 1 "$(field "$pid" NoNewPrivs)"
	check "unprivileged $model: serves" hello \
		"$("$p9" -a "tcp:127.0.0.1:$port" cat /greeting 2>&1)"
	stop "$pid"
done
setpriv --reuid=65534 --regid=65534 --clear-groups "$p9d" --export "$work/export" \
	--security-model none --sandbox=namespace --listen tcp:127.0.0.1:0 > "$work/out" 2>&1
check "unprivileged --sandbox=namespace exits 1" 1 $?
check "unprivileged --sandbox=namespace says why" \
	"p9d: --sandbox=namespace: cannot make namespaces (it needs root) (Operation not permitted)" \
	"$(grep -v serving "$work/out")"
chown 0:0 "$work/export"

# --- the namespace sandbox ---
chmod 1777 "$work/export"
start sandbox --security-model passthrough --sandbox=namespace
child=$(tr -d ' ' < "/proc/$pid/task/$pid/children")
check "sandbox: the server is pid 1 of its namespace" 1 "$(field "$child" NSpid | awk '{print $NF}')"
check "sandbox: seccomp filter (mode 2)" 2 "$(field "$child" Seccomp)"
check "sandbox: no_new_privs" 1 "$(field "$child" NoNewPrivs)"
m=${want[passthrough]}
check "sandbox: passthrough's capability sets" "$m $m $m" "$(caps "$child")"
check "sandbox: the waiting parent keeps CAP_KILL alone" \
	"0000000000000020 0000000000000020 0000000000000020" "$(caps "$pid")"
check "sandbox: the root holds etc, export, fd" "etc export fd" \
	"$(ls "/proc/$child/root" | tr '\n' ' ' | sed 's/ $//')"
check "sandbox: /export is the export" "$(stat -c %d:%i "$work/export")" \
	"$(stat -c %d:%i "/proc/$child/root/export")"
check "sandbox: the root is read-only" "ro" \
	"$(awk '$5 == "/" { split($6, o, ","); print o[1] }' "/proc/$child/mountinfo")"
check "sandbox: its own network namespace" 1 \
	"$([ "$(readlink "/proc/$child/ns/net")" != "$(readlink /proc/self/ns/net)" ] && echo 1)"
check "sandbox: cat" hello "$("$p9" -a "$addr" cat /greeting 2>&1)"
echo "in the box" | "$p9" -a "$addr" -u 1000 put - /boxed
check "sandbox: put as uid 1000 (the user database is there)" "1000 in the box" \
	"$(stat -c %u "$work/export/boxed") $(cat "$work/export/boxed")"
"$p9" -a "$addr" setxattr /boxed user.color blue
check "sandbox: xattrs (through /fd)" blue "$(getfattr --absolute-names --only-values -n user.color "$work/export/boxed")"
"$p9" -a "$addr" mv /boxed /moved
check "sandbox: rename" "in the box" "$(cat "$work/export/moved")"
"$p9" -a "$addr" ls /.. > "$work/out" 2>&1
check "sandbox: .. of the root is the root" "greeting moved" "$(tr '\n' ' ' < "$work/out" | sed 's/ $//')"
stop "$pid"
check "sandbox: SIGTERM to the parent exits 0" 0 $?
check "sandbox: the server is gone too" 1 "$([ -d "/proc/$child" ] || echo 1)"

start sandbox-ro --security-model none --sandbox=namespace --readonly
child=$(tr -d ' ' < "/proc/$pid/task/$pid/children")
check "sandbox --readonly: /export is mounted read-only" "ro" \
	"$(awk '$5 == "/export" { split($6, o, ","); print o[1] }' "/proc/$child/mountinfo")"
check "sandbox --seccomp default is kill: Seccomp 2" 2 "$(field "$child" Seccomp)"
stop "$pid"

start sandbox-off --security-model none --sandbox=namespace --seccomp=off
child=$(tr -d ' ' < "/proc/$pid/task/$pid/children")
check "sandbox --seccomp=off: no filter" 0 "$(field "$child" Seccomp)"
stop "$pid"
# The filter without the sandbox: the user database (loaded before) still works.
chmod 1777 "$work/export"
start seccomp-only --security-model passthrough --seccomp=kill
check "--seccomp=kill alone: Seccomp 2" 2 "$(field "$pid" Seccomp)"
echo "filtered" | "$p9" -a "$addr" -u 1000 put - /filtered
check "--seccomp=kill alone: put as uid 1000" "1000 filtered" \
	"$(stat -c %u "$work/export/filtered") $(cat "$work/export/filtered")"
stop "$pid"
check "--seccomp=kill alone: SIGTERM exits 0" 0 $?
rm -f "$work/export/filtered"
chmod 755 "$work/export"

# A unix socket: the server's exit (which unlinks it) passes the filter.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
	"$p9d" --export "$work/export" --listen "unix:$work/sock" --sandbox=namespace \
	> "$work/sandbox-unix.log" 2>&1 &
pid=$!
pids+=("$pid")
wait_for "$work/sandbox-unix.log" serving
check "sandbox over a unix socket" hello "$("$p9" -a "unix:$work/sock" cat /greeting 2>&1)"
stop "$pid"
check "sandbox over a unix socket: SIGTERM exits 0" 0 $?
# --user in the sandbox: the parent (root) still forwards SIGTERM.
chown -R 65534:65534 "$work/export"
start sandbox-user --security-model mapped-xattr --sandbox=namespace --user 65534
child=$(tr -d ' ' < "/proc/$pid/task/$pid/children")
check "sandbox --user: the server runs as 65534 without capabilities" \
	"65534 0000000000000000 0000000000000000" "$(field "$child" Uid | awk '{print $1}') $(field "$child" CapEff) $(field "$child" CapBnd)"
check "sandbox --user: cat (reopen through /fd)" hello "$("$p9" -a "$addr" cat /greeting 2>&1)"
"$p9" -a "$addr" setxattr /greeting user.k v
check "sandbox --user: xattr through /fd" v "$("$p9" -a "$addr" getxattr /greeting user.k 2>&1)"
stop "$pid"
check "sandbox --user: SIGTERM exits 0" 0 $?
chown -R 0:0 "$work/export"
# An fd: transport: the parent's copy is closed, so p9d leaves with its client.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" python3 - "$p9d" "$p9" "$work/export" \
	> "$work/out" 2>&1 <<'PY'
import socket, subprocess, sys
p9d, p9, export = sys.argv[1:4]
a, b = socket.socketpair()
d = subprocess.Popen([p9d, "--export", export, "--listen", "fd:%d" % a.fileno(),
                      "--sandbox=namespace"], pass_fds=[a.fileno()],
                     stderr=subprocess.DEVNULL)
a.close()
out = subprocess.run([p9, "-a", "fd:%d" % b.fileno(), "cat", "/greeting"],
                     pass_fds=[b.fileno()], capture_output=True, text=True)
b.close()
print(out.stdout.strip())
print(d.wait(timeout=10))
PY
check "sandbox over fd: serves and exits 0 with its client" "hello
0" "$(cat "$work/out")"
"$p9d" --export "$work/export" --sandbox=chroot > "$work/out" 2>&1
check "unknown sandbox exits 2" 2 $?
"$p9d" --export "$work/export" --seccomp=maybe > "$work/out" 2>&1
check "unknown seccomp mode exits 2" 2 $?

echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
