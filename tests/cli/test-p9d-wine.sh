#!/bin/bash
# test-p9d-wine.sh: the Windows p9d.exe (under Wine) serving this build's
# p9 CLI over TCP, in the mapped-file and none security models: the whole
# server (dispatch, backend, win32 platform layer) as a client meets it,
# with exact outputs and the files it leaves on the host.
#   test-p9d-wine.sh BUILDDIR [WINBUILDDIR]   (default WINBUILDDIR: ../build-win)
# Exits 77 (skipped) when there is no Windows build or no Wine.
set -u
build=$1
winbuild=${2:-$build/../build-win}
p9=$build/cmd/p9
exe=$winbuild/cmd/p9d.exe
wine=/usr/lib/wine/wine64
prefix=${WINEPREFIX:-/var/cache/p9d-wine}
if [ ! -x "$exe" ] || [ ! -x "$wine" ] || [ ! -d "$prefix" ]; then
	echo "1..0 # SKIP no Windows build ($exe) or no Wine"
	exit 77
fi
work=$(mktemp -d /var/tmp/p9d-wine-XXXXXX)
chmod 755 "$work"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
pass=0 fail=0 n=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1 # $2"; }
check() { if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "expected [$2], got [$3]"; fi; }

# serve MODEL: p9d.exe on a fresh export; sets $a, $ex, $pid.
runs=0
serve() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	runs=$((runs + 1))
	ex=$work/$1-$runs
	mkdir "$ex"
	echo "hello" > "$ex/greeting"
	local port
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	env WINEPREFIX="$prefix" WINEDEBUG=-all "$wine" "$exe" --export "Z:$ex" \
		--listen "tcp:127.0.0.1:$port" --security-model "$1" > "$work/$1.log" 2>&1 &
	pid=$!
	for _ in $(seq 300); do grep -q serving "$work/$1.log" && break; sleep 0.1; done
	check "$1: serving" "p9d: serving Z:$ex on tcp:127.0.0.1:$port" "$(tr -d '\r' < "$work/$1.log")"
	a=tcp:127.0.0.1:$port
}
p() { "$p9" -a "$a" "$@" 2>&1; }
# The names, modes, link counts and sizes of `p9 ls -l` (no times).
lsl() { p ls -l "$1" | awk '{ $6 = ""; $7 = ""; print }' | tr -s ' '; }

for model in mapped-file none; do
	serve "$model"
	m=$model
	check "$m: ls /" "greeting" "$(p ls /)"
	check "$m: cat" "hello" "$(p cat /greeting)"
	printf 'a\r\nb\0c\n' | p put - /bin.dat
	check "$m: put: exact bytes" "$(printf 'a\r\nb\0c\n' | od -c)" "$(od -c < "$ex/bin.dat")"
	check "$m: get: exact bytes" "$(printf 'a\r\nb\0c\n' | od -c)" "$(p cat /bin.dat | od -c)"
	check "$m: mkdir" "" "$(p mkdir /d)"
	check "$m: mv into a directory" "" "$(p mv /bin.dat /d/b)"
	check "$m: mv: host" "1 0" "$(test -e "$ex/bin.dat"; echo -n "$? "; test -f "$ex/d/b"; echo $?)"
	check "$m: hard link" "" "$(p ln /d/b /d/h)"
	check "$m: hard link shares the file" "2 7" \
		"$(p stat /d/h | awk '/Links:/ { l = $NF } /Size:/ { s = $2 } END { print l, s }')"
	check "$m: .. at the root stays" "d greeting" "$(p ls /.. | tr '\n' ' ' | sed 's/ $//')"
	check "$m: backslash refused" "p9: /d/a\\b: Invalid argument" "$(echo x | p put - '/d/a\b')"
	check "$m: drive letter refused" "p9: /C:x: Invalid argument" "$(echo x | p put - /C:x)"
	check "$m: device name refused" "p9: /con: Invalid argument" "$(echo x | p put - /con)"
	check "$m: holding directory unseen" "p9: /.p9d-unlinked: No such file or directory" \
		"$(p ls /.p9d-unlinked)"
	check "$m: holding directory not creatable" "p9: /.p9d-unlinked: File exists" \
		"$(p mkdir /.p9d-unlinked)"
	check "$m: holding directory not a file" "p9: /.p9d-unlinked: Permission denied" \
		"$(echo x | p put - /.p9d-unlinked)"
	check "$m: rm" "" "$(p rm /d/h)"
	check "$m: rm -r" "" "$(p rm -r /d)"
	check "$m: tree after rm" "greeting" "$(p ls /)"
	check "$m: host after rm" "greeting" "$(cd "$ex" && ls)"
done

# mapped-file: owners, modes and symlinks live in .virtfs_metadata (QEMU's
# format), hidden from clients.
serve mapped-file
m=mapped-file
p mkdir /d
echo data | p put - /d/f
check "$m: symlink" "" "$(p ln -s f /d/l)"
check "$m: readlink" "f" "$(p readlink /d/l)"
check "$m: ls -l" "-rw-r--r-- 1 0 0 5 f
lrwxrwxrwx 1 0 0 1 l -> f
drwxr-xr-x 1 0 0 0 d" "$(lsl /d; lsl / | grep ' d$')"
check "$m: link stored as a file" "f" "$(cat "$ex/d/l")"
check "$m: link metadata" "virtfs.uid=0 virtfs.gid=0 virtfs.mode=41471" \
	"$(tr '\n' ' ' < "$ex/d/.virtfs_metadata/l" | sed 's/ $//')"
check "$m: directory metadata" "virtfs.uid=0 virtfs.gid=0 virtfs.mode=16877" \
	"$(tr '\n' ' ' < "$ex/.virtfs_metadata/d" | sed 's/ $//')"
check "$m: metadata hidden" "f l" "$(p ls /d | tr '\n' ' ' | sed 's/ $//')"
check "$m: metadata not reachable" "p9: /d/.virtfs_metadata: No such file or directory" \
	"$(p ls /d/.virtfs_metadata)"
p mv /d/l /d/l2
check "$m: rename moves the metadata" "f l2" "$(cd "$ex/d/.virtfs_metadata" && ls | tr '\n' ' ' | sed 's/ $//')"
p rm /d/l2
check "$m: rm removes the metadata" "f" "$(cd "$ex/d/.virtfs_metadata" && ls)"
# Wine has no alternate data streams (real NTFS has): xattrs are refused.
check "$m: xattr without streams" "p9: /d/f: Operation not supported" \
	"$(p setxattr /d/f user.x v)"

# none: the host's own modes (synthesised on Windows), no symlinks.
serve none
m=none
p mkdir /d
echo data | p put - /d/f
check "$m: ls -l" "-rw-r--r-- 1 0 0 5 f" "$(lsl /d)"
check "$m: symlink refused" "p9: /d/l: Operation not supported" "$(p ln -s f /d/l)"
check "$m: symlink refused again" "p9: /d/l2: Operation not supported" "$(p ln -s f /d/l2)"
check "$m: one warning for the kind, however often it is refused" \
	"p9d: warning: this host cannot make symlinks: clients get EOPNOTSUPP (a mapped security model stores them)" \
	"$(tr -d '\r' < "$work/none.log" | grep 'cannot make symlinks')"
check "$m: no metadata files" "d greeting" "$(cd "$ex" && ls -A | tr '\n' ' ' | sed 's/ $//')"

echo "1..$n"
echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
