#!/bin/sh
# interop-suite.sh: QEMU's virtio-9p and p9d serving the same host directory
# in the same mapped security model, compared through the Linux kernel client
# (busybox sh, root, inside the e2e guest; see run-interop).  What one server
# writes the other must read back exactly: owners, modes with setuid/sticky
# bits, file types and device numbers, symlink targets, link counts, listings,
# xattrs and ACLs, before and after renames and unlinks.  Also the hidden
# metadata names, and p9d's --multidevs remap/forbid on colliding inodes.
#
# Parameters (environment): I_RUNDIR (host work directory; mount points
# $I_RUNDIR/q-xattr, p-xattr, q-file, p-file, remap, forbid), I_X and I_F (the
# two exported directories), I_PORT_X, I_PORT_F, I_PORT_R, I_PORT_B (p9d ports:
# mapped-xattr, mapped-file, remap, forbid), I_MD (the multidevs export),
# I_MD_A and I_MD_B (two names under it with equal host inode numbers,
# the second on another file system), I_HELPER (e2e_helper.py, host path).
# Prints `ok - NAME` / `not ok - NAME # DETAIL` lines (run-interop numbers
# them); host-side checks of the raw metadata follow in run-interop.

export TZ=UTC LC_ALL=C
R=/host$I_RUNDIR
PY=/usr/bin/python3
MO=version=9p2000.L,msize=512000,cache=none
DET=/tmp/interop-detail
umask 022

fail() { printf '%s' "$*" > "$DET"; exit 1; }
eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
run() { _o=$("$@" 2>&1) || fail "'$*' failed: $_o"; }
py() { chroot /host "$PY" "$I_HELPER" "$@" 2>&1; }
# check NAME FUNCTION ARGS...: run one check in a subshell and report it
check() {
  _n=$1; shift
  : > "$DET"
  ( "$@" ); _rc=$?
  if [ $_rc = 0 ]; then echo "ok - $_n"
  else echo "not ok - $_n # $(tr '\n\r\t' '   ' < "$DET" | cut -c1-400)"; fi
}

mnt() { # mnt CHECK-NAME SOURCE MOUNTPOINT OPTIONS
  mkdir -p "$3" 2>/dev/null
  if _o=$(mount -t 9p -o "$4" "$2" "$3" 2>&1); then echo "ok - $1"
  else echo "not ok - $1 # mount -o $4 $2: $_o" | tr '\n' ' '; echo; fi
}
mnt "mount qemu mapped-xattr" qx "$R/q-xattr" "trans=virtio,$MO"
mnt "mount p9d mapped-xattr" 10.0.2.2 "$R/p-xattr" "trans=tcp,port=$I_PORT_X,aname=$I_X,$MO"
mnt "mount qemu mapped-file" qf "$R/q-file" "trans=virtio,$MO"
mnt "mount p9d mapped-file" 10.0.2.2 "$R/p-file" "trans=tcp,port=$I_PORT_F,aname=$I_F,$MO"
mnt "mount p9d multidevs=remap" 10.0.2.2 "$R/remap" "trans=tcp,port=$I_PORT_R,aname=$I_MD,$MO"
mnt "mount p9d multidevs=forbid" 10.0.2.2 "$R/forbid" "trans=tcp,port=$I_PORT_B,aname=$I_MD,$MO"

# sig PATH: what stat says, in one line (type|mode|uid|gid|size|major|minor|nlink)
sig() { stat -c '%F|%a|%u|%g|%s|%t|%T|%h' "$1" 2>&1; }
srv() { case "$1" in q) echo QEMU ;; p) echo p9d ;; esac; }

# The objects every direction creates, and what stat must say about them
# ('*' = any size, the same through both servers).
OBJS="b c d f hl hsl l p s st"
want() {
  case "$1" in
    f|hl) echo 'regular file|4755|1234|5678|5|0|0|2' ;;
    st) echo 'regular file|1644|0|7|1|0|0|1' ;;
    d) echo 'directory|1777|42|43|*|0|0|2' ;;
    c) echo 'character special file|620|11|12|0|1|3|1' ;;
    b) echo 'block special file|660|0|0|0|7|0|1' ;;
    p) echo 'fifo|640|0|0|0|0|0|1' ;;
    s) echo 'socket|600|3|4|0|0|0|1' ;;
    l|hsl) echo 'symbolic link|777|77|88|1|0|0|2' ;;
  esac
}
# same_sig NAME VIEW-PATH CREATOR-PATH: equal through both servers and as expected
same_sig() {
  a=$(sig "$2"); b=$(sig "$3")
  eq "$a" "$b" "$1 through $VS vs through $CS"
  w=$(want "$1")
  case "$w" in *'|*|'*) a=$(echo "$a" | awk -F'|' -v OFS='|' '{$5="*"; print}') ;; esac
  eq "$a" "$w" "$1 through $VS"
}

populate() { # populate DIR: through the creating server
  D=$1
  mkdir "$D" || fail "mkdir $D"
  printf hello > "$D/f" || fail "create f"
  run chown 1234:5678 "$D/f"; run chmod 4755 "$D/f"
  printf s > "$D/st"; run chown 0:7 "$D/st"; run chmod 1644 "$D/st"
  run mkdir "$D/d"; run chown 42:43 "$D/d"; run chmod 1777 "$D/d"
  run mknod "$D/c" c 1 3; run chown 11:12 "$D/c"; run chmod 620 "$D/c"
  run mknod "$D/b" b 7 0; run chmod 660 "$D/b"
  run mkfifo "$D/p"; run chmod 640 "$D/p"
  _o=$(py mksock "${D#/host}/s") || fail "socket: $_o"
  run chmod 600 "$D/s"; run chown 3:4 "$D/s"
  run ln -s f "$D/l"; run chown -h 77:88 "$D/l"
  run ln "$D/f" "$D/hl"
  run ln "$D/l" "$D/hsl"
}

# t_cross MODEL CREATOR VIEWER: objects made through one server, seen through the other
t_cross() {
  m=$1; CS=$(srv "$2"); VS=$(srv "$3")
  C=$R/$2-$m/$2to$3; V=$R/$3-$m/$2to$3
  populate "$C"
  eq "$(ls -a "$V" | tr '\n' ' ')" ". .. $OBJS " "listing through $VS"
  eq "$(ls -a "$C" | tr '\n' ' ')" ". .. $OBJS " "listing through $CS"
  for o in $OBJS; do same_sig "$o" "$V/$o" "$C/$o"; done
  eq "$(cat "$V/f")" hello "content of f through $VS"
  eq "$(readlink "$V/l")" f "symlink target through $VS"
  eq "$(readlink "$V/hsl")" f "target of the hard link of the symlink through $VS"
  eq "$(cat "$V/l")" hello "read through the symlink through $VS"
  eq "$(st=$(stat -c %i "$V/f"); stat -c %i "$V/hl" | sed "s/^$st\$/same/")" same "inode of f and hl through $VS"
}

# t_rename MODEL CREATOR VIEWER: renames and unlinks through the creator carry
# the metadata; a change through the viewer is seen by the creator
t_rename() {
  m=$1; CS=$(srv "$2"); VS=$(srv "$3")
  C=$R/$2-$m/$2to$3; V=$R/$3-$m/$2to$3
  [ -d "$C" ] || fail "no $C (cross check failed?)"
  run mv "$C/f" "$C/f2"
  run mv "$C/d" "$C/d2"
  run mv "$C/c" "$C/d2/c2"
  run rm "$C/hl"
  run rm "$C/hsl"
  run mv "$C/st" "$C/d2/st"   # over nothing, into a directory with metadata of its own
  eq "$(ls -a "$V" | tr '\n' ' ')" ". .. b d2 f2 l p s " "listing through $VS after renames"
  eq "$(ls -a "$V/d2" | tr '\n' ' ')" ". .. c2 st " "listing of d2 through $VS"
  eq "$(sig "$V/f2")" 'regular file|4755|1234|5678|5|0|0|1' "renamed f2 through $VS"
  eq "$(sig "$V/d2" | cut -d'|' -f1-4)" 'directory|1777|42|43' "renamed d2 through $VS"
  eq "$(sig "$V/d2/c2")" 'character special file|620|11|12|0|1|3|1' "c moved into d2 through $VS"
  eq "$(sig "$V/d2/st")" 'regular file|1644|0|7|1|0|0|1' "st moved into d2 through $VS"
  eq "$(sig "$V/l")" 'symbolic link|777|77|88|1|0|0|1' "l after unlinking its hard link through $VS"
  # rename over an existing file: the target takes the source's metadata
  run mv "$C/f2" "$C/p"
  eq "$(sig "$V/p")" 'regular file|4755|1234|5678|5|0|0|1' "f2 renamed over p through $VS"
  # the other direction: changes through the viewer
  run chown 2000:3000 "$V/p"; run chmod 2711 "$V/p"
  eq "$(sig "$C/p")" 'regular file|2711|2000|3000|5|0|0|1' "chown/chmod through $VS seen through $CS"
  run rm "$V/p"
  [ -e "$C/p" ] && fail "p still seen through $CS after rm through $VS"
  eq "$(ls -a "$C" | tr '\n' ' ')" ". .. b d2 l s " "listing through $CS at end"
}

# t_xattr MODEL CREATOR VIEWER: user.* xattrs through one server, seen
# through the other; the metadata names; POSIX ACLs as raw xattrs.
# (user.* only on regular files and directories: the guest's VFS says EPERM
# for the others before asking the server.)  One helper process runs all
# the calls in order (OP:PATH:NAME:HEX); each line's result must match.
t_xattr() {
  m=$1; CS=$(srv "$2"); VS=$(srv "$3")
  C=${R#/host}/$2-$m/$2to$3; V=${R#/host}/$3-$m/$2to$3
  # (u::rwx: in mapped-file the ACL reaches the host directory, which the
  # servers must still be able to search)
  acl=$(py acl-hex u:7:-1 U:4:1234 g:5:-1 m:5:-1 o:5:-1)
  case $m in
    xattr) vset=EACCES vrm=EACCES ;;
    file) vset=ok vrm=ok ;;   # mapped-file: user.virtfs.* is an ordinary name
  esac
  set -- \
    "set:$C/d2/st:user.interop:68656c6c6f00ff|ok|setxattr user.interop through $CS" \
    "get:$V/d2/st:user.interop|68656c6c6f00ff|getxattr through $VS" \
    "list:$V/d2/st|user.interop|listxattr through $VS" \
    "list:$C/d2/st|user.interop|listxattr through $CS" \
    "set:$V/d2:user.ondir:01|ok|setxattr on a directory through $VS" \
    "get:$C/d2:user.ondir|01|directory's xattr through $CS" \
    "remove:$V/d2/st:user.interop|ok|removexattr through $VS" \
    "get:$C/d2/st:user.interop|ENODATA|getxattr through $CS after removal" \
    "get:$C/d2/st:user.virtfs.uid|ENODATA|getxattr user.virtfs.uid through $CS" \
    "get:$V/d2/st:user.virtfs.uid|ENODATA|getxattr user.virtfs.uid through $VS" \
    "set:$C/d2/st:user.virtfs.uid:00000000|$vset|setxattr user.virtfs.uid through $CS" \
    "remove:$V/d2/st:user.virtfs.uid|$vrm|removexattr user.virtfs.uid through $VS" \
    "list:$V/d2/st||listxattr through $VS at end" \
    "set:$C/d2:system.posix_acl_access:$acl|ok|set an access ACL through $CS"
  : > /tmp/xwant; ops=
  for x in "$@"; do ops="$ops ${x%%|*}"; x=${x#*|}; echo "${x%%|*}" >> /tmp/xwant; done
  py xattr-batch $ops > /tmp/xgot
  i=0
  for x in "$@"; do
    i=$((i + 1)); w=$(sed -n "${i}p" /tmp/xwant); g=$(sed -n "${i}p" /tmp/xgot)
    eq "$g" "$w" "${x##*|}"
  done
  eq "$(stat -c %u:%g:%a "/host$V/d2/st")" 0:7:1644 "st's owner and mode through $VS after the attempts"
  # Reading an ACL back: the 6.1 client answers from its own cache unless
  # mounted with access=client,posixacl, so only equality between the two
  # servers is checked here; run-interop checks the stored bytes on the host.
  eq "$(py xattr-op get "$V/d2" system.posix_acl_access)" "$(py xattr-op get "$C/d2" system.posix_acl_access)" \
    "ACL read through $VS and through $CS"
}

# t_hidden MODEL: the metadata's own names through both servers
t_hidden() {
  m=$1
  for s in q p; do
    S=$(srv $s); D=$R/$s-$m
    case "$(ls -a "$D" "$D/qtop" "$D/ptoq" "$D/qtop/d2" 2>&1)" in
      *virtfs*) fail "a metadata name is listed through $S: $(ls -a "$D" | tr '\n' ' ')" ;;
    esac
    if [ $m = file ]; then
      for op in create open-r mkdir stat; do
        _o=$(py errno EINVAL $op "${D#/host}/qtop/.virtfs_metadata") || fail "through $S: $_o"
      done
      _o=$(py errno EINVAL stat "${D#/host}/.virtfs_metadata_root") || fail "root's metadata through $S: $_o"
    else
      eq "$(py xattr-op list "${D#/host}/qtop/d2" | tr , ' ')" "system.posix_acl_access user.ondir" "xattrs listed through $S"
    fi
  done
}

# t_raw_prep MODEL: the same operations through each server, for run-interop
# to compare what each wrote on the host
t_raw_prep() {
  for s in q p; do
    D=$R/$s-$1/${s}raw
    mkdir "$D" || fail "mkdir $D"
    printf hello > "$D/f"; run chown 1234:5678 "$D/f"; run chmod 4755 "$D/f"
    run mkdir "$D/d"; run chown 42:43 "$D/d"; run chmod 1777 "$D/d"
    run mknod "$D/c" c 1 3; run mknod "$D/b" b 7 0; run mkfifo "$D/p"
    run ln -s f "$D/l"; run chown -h 77:88 "$D/l"
    run ln "$D/f" "$D/hl"
    printf x > "$D/gone"; run chown 5:5 "$D/gone"; run rm "$D/gone"
    printf y > "$D/old"; run chown 6:6 "$D/old"; run mv "$D/old" "$D/new"
  done
}

# t_multidevs: I_MD_A (the export's file system) and I_MD_B (a tmpfs mounted
# inside it) have the same host inode number
t_multidevs() {
  a=$R/remap/$I_MD_A b=$R/remap/$I_MD_B
  eq "$(cat "$a")" A "content of $I_MD_A through remap"
  eq "$(cat "$b")" B "content of $I_MD_B through remap"
  ia=$(stat -c %i "$a"); ib=$(stat -c %i "$b")
  [ -n "$ia" ] && [ "$ia" != "$ib" ] || fail "st_ino through remap: $ia and $ib (must differ)"
  # stable across lookups
  eq "$(stat -c %i "$b")" "$ib" "st_ino of $I_MD_B on a second lookup"
  eq "$(cat "$R/forbid/$I_MD_A")" A "content of $I_MD_A through forbid"
  _o=$(py errno ENODEV stat "${R#/host}/forbid/$I_MD_B") || fail "forbid: $_o"
  _o=$(py errno ENODEV stat "${R#/host}/forbid/${I_MD_B%/*}") || fail "forbid, the mount point: $_o"
}

for m in xattr file; do
  # objects made through QEMU in qtop/, through p9d in ptoq/
  for dir in "q p" "p q"; do
    set -- $dir
    check "mapped-$m: made through $(srv $1), seen through $(srv $2)" t_cross $m $1 $2
    check "mapped-$m: renames and unlinks through $(srv $1), seen through $(srv $2)" t_rename $m $1 $2
    check "mapped-$m: xattrs and ACLs through $(srv $1) and $(srv $2)" t_xattr $m $1 $2
  done
  check "mapped-$m: metadata names hidden through both" t_hidden $m
  check "mapped-$m: raw metadata prepared" t_raw_prep $m
done
# Not a check: what fstat says of an open file after its unlink (in
# mapped-file the metadata file goes with the name).
for m in xattr file; do
  for s in q p; do
    f=$R/$s-$m/unl; printf x > "$f"; chown 1234:5678 "$f"; chmod 4755 "$f"
    echo "INFO mapped-$m, $(srv $s): fstat after unlink of an open file (1234:5678:104755 before): $(py fstat-unlinked "${f#/host}")"
  done
done
check "multidevs: remap gives colliding inodes distinct st_ino, forbid ENODEV" t_multidevs

for d in q-xattr p-xattr q-file p-file remap forbid; do umount "$R/$d" 2>/dev/null; done
echo "INTEROP-GUEST-DONE"
