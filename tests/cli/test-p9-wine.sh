#!/bin/bash
# test-p9-wine.sh: the Windows p9.exe (under Wine) against the Linux p9d:
# the client library, the win32 net layer and the CLI's local files.
#   test-p9-wine.sh BUILDDIR [WINBUILDDIR]   (default WINBUILDDIR: ../build-win)
# Exits 77 (skipped) when there is no Windows build or no Wine.
set -u
build=$1
winbuild=${2:-$build/../build-win}
p9d=$build/cmd/p9d
exe=$winbuild/cmd/p9.exe
wine=/usr/lib/wine/wine64
prefix=${WINEPREFIX:-/var/cache/p9d-wine}
if [ ! -x "$exe" ] || [ ! -x "$wine" ] || [ ! -d "$prefix" ]; then
	echo "1..0 # SKIP no Windows build ($exe) or no Wine"
	exit 77
fi
p9w() { env WINEPREFIX="$prefix" WINEDEBUG=-all "$wine" "$exe" "$@"; }
work=$(mktemp -d /var/tmp/p9d-wine-XXXXXX)
chmod 755 "$work"
mkdir "$work/export"
echo "hello" > "$work/export/greeting"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
pass=0 fail=0 n=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1 # $2"; }
check() { if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "expected [$2], got [$3]"; fi; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$p9d" --export "$work/export" --security-model none --listen "tcp:127.0.0.1:$port" \
	> "$work/d.log" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q serving "$work/d.log" && break; sleep 0.1; done
a=tcp:127.0.0.1:$port

check "cat" "hello" "$(p9w -a "$a" cat /greeting 2>&1)"
# Bytes that text mode would change: CR LF, NUL, ^Z.
printf 'a\r\nb\0c\n\032end' > "$work/local.bin"
p9w -a "$a" put "Z:$work/local.bin" /up.bin; check "put exits 0" 0 $?
cmp -s "$work/local.bin" "$work/export/up.bin"; check "put: exact bytes" 0 $?
p9w -a "$a" get /up.bin "Z:$work/back.bin"; check "get exits 0" 0 $?
cmp -s "$work/local.bin" "$work/back.bin"; check "get: exact bytes" 0 $?
p9w -a "$a" cat /up.bin > "$work/stdout.bin"
cmp -s "$work/local.bin" "$work/stdout.bin"; check "cat to stdout: binary" 0 $?
printf 'from\r\nstdin\0' | p9w -a "$a" put - /stdin.bin
check "put from stdin: binary" "$(printf 'from\r\nstdin\0' | od -c)" "$(od -c < "$work/export/stdin.bin")"
check "ls" "greeting stdin.bin up.bin" "$(p9w -a "$a" ls / | tr -d '\r' | sort | tr '\n' ' ' | sed 's/ $//')"
p9w -a "$a" cat /missing > "$work/out" 2>&1; check "missing exits 1" 1 $?
check "missing message" "p9: /missing: No such file or directory" "$(tr -d '\r' < "$work/out")"
p9w -a "tcp:127.0.0.1:1" cat /greeting > /dev/null 2>&1; check "refused exits 1" 1 $?

echo "1..$n"
echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
