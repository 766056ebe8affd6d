#!/usr/bin/python3
"""Small system-call level checks for kernel-suite.sh.

Runs inside the e2e guest through `chroot /host /usr/bin/python3 e2e_helper.py
CMD ARGS...` (busybox has no way to fstat an unlinked file, set an xattr or
take a byte-range lock).  Paths are as seen inside the chroot.  Each command
exits 0 on success; on a failed expectation it prints one line saying what
differed and exits 1.
"""
import errno
import fcntl
import os
import signal
import stat
import struct
import sys
import time
import traceback


class Fail(Exception):
    pass


def eq(got, want, what):
    if got != want:
        raise Fail("%s: expected %r, got %r" % (what, want, got))


def expect_errno(fn, want, what):
    """fn() must fail with one of the errno values in want (an int or a tuple)."""
    wants = want if isinstance(want, tuple) else (want,)
    try:
        fn()
    except OSError as e:
        if e.errno not in wants:
            raise Fail("%s: expected %s, got %s (%s)" % (
                what, "/".join(errno.errorcode[w] for w in wants),
                errno.errorcode.get(e.errno, e.errno), e.strerror))
        return
    raise Fail("%s: succeeded, expected %s" % (
        what, "/".join(errno.errorcode[w] for w in wants)))


def cmd_unlink_open(path, nlink="0", fchmod_err=""):
    """Unlink a file that is open, then use it through the descriptor.
    nlink: what fstat then says (1 from p9d.exe under Wine, whose unlinked
    file keeps a name in the holding directory until its last close).
    fchmod_err: the errno name fchmod must fail with, where the server
    cannot change an unlinked file's mode (empty: it must succeed)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        eq(os.write(fd, b"hello world"), 11, "write before unlink")
        os.unlink(path)
        eq(os.path.lexists(path), False, "path exists after unlink")
        st = os.fstat(fd)
        eq(st.st_size, 11, "fstat size after unlink")
        eq(st.st_nlink, int(nlink), "fstat nlink after unlink")
        eq(os.pread(fd, 100, 0), b"hello world", "pread after unlink")
        eq(os.pwrite(fd, b"HELLO", 0), 5, "pwrite after unlink")
        os.lseek(fd, 0, os.SEEK_END)
        eq(os.write(fd, b"!!"), 2, "append write after unlink")
        eq(os.pread(fd, 100, 0), b"HELLO world!!", "pread after pwrite")
        eq(os.fstat(fd).st_size, 13, "fstat size after write")
        os.ftruncate(fd, 5)
        eq(os.fstat(fd).st_size, 5, "fstat size after ftruncate")
        eq(os.pread(fd, 100, 0), b"HELLO", "pread after ftruncate")
        if fchmod_err:
            expect_errno(lambda: os.fchmod(fd, 0o600), getattr(errno, fchmod_err), "fchmod after unlink")
        else:
            os.fchmod(fd, 0o600)
            eq(stat.S_IMODE(os.fstat(fd).st_mode), 0o600, "fchmod after unlink")
        os.fsync(fd)
        # A new file with the same name is a different file.
        fd2 = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd2, b"other")
        eq(os.pread(fd, 100, 0), b"HELLO", "unlinked file after same-name create")
        os.close(fd2)
        os.unlink(path)
    finally:
        os.close(fd)


def cmd_rmdir_notempty(path):
    expect_errno(lambda: os.rmdir(path), errno.ENOTEMPTY, "rmdir of non-empty dir")


def cmd_errno(name, op, path):
    """Expect op on path to fail with errno `name` (e.g. ENOENT)."""
    want = getattr(errno, name)
    ops = {
        "open-w": lambda: os.close(os.open(path, os.O_WRONLY)),
        "open-r": lambda: os.close(os.open(path, os.O_RDONLY)),
        "mkdir": lambda: os.mkdir(path),
        "rmdir": lambda: os.rmdir(path),
        "unlink": lambda: os.unlink(path),
        "stat": lambda: os.stat(path),
        "chmod": lambda: os.chmod(path, 0o777),
        "chown": lambda: os.chown(path, 0, 0),
        "create": lambda: os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)),
        "lstat": lambda: os.lstat(path),
        "readlink": lambda: os.readlink(path),
    }
    expect_errno(ops[op], want, "%s %s" % (op, path))


def cmd_rename(src, dst, want="ok"):
    """rename(src, dst): want = ok, or errno names separated by '/'."""
    if want == "ok":
        os.rename(src, dst)
    else:
        expect_errno(lambda: os.rename(src, dst), tuple(getattr(errno, w) for w in want.split("/")),
                     "rename %s -> %s" % (src, dst))


def cmd_utime(path):
    os.utime(path, (1000000000, 1234567890))
    st = os.stat(path)
    eq(int(st.st_atime), 1000000000, "atime after utime")
    eq(int(st.st_mtime), 1234567890, "mtime after utime")
    os.utime(path, ns=(1500000000 * 10**9, 1600000000 * 10**9))
    st = os.stat(path)
    eq(int(st.st_atime), 1500000000, "atime after utime(ns)")
    eq(int(st.st_mtime), 1600000000, "mtime after utime(ns)")
    before = time.time()
    os.utime(path, None)
    st = os.stat(path)
    if abs(st.st_mtime - before) > 300:
        raise Fail("mtime after utime(now): %d, clock %d" % (st.st_mtime, before))


def cmd_listdir(path, *specs):
    """path must hold exactly the regular files named by specs, each
    PREFIX:N meaning PREFIX1 .. PREFIXN, and nothing else."""
    want = set()
    for spec in specs:
        prefix, n = spec.rsplit(":", 1)
        want.update("%s%d" % (prefix, i) for i in range(1, int(n) + 1))
    names = os.listdir(path)
    got = set(names)
    if len(names) != len(got):
        dups = sorted(x for x in got if names.count(x) > 1)[:5]
        raise Fail("listdir: %d entries, %d distinct (duplicates e.g. %s)" % (len(names), len(got), dups))
    missing = sorted(want - got)
    extra = sorted(got - want)
    if missing or extra:
        raise Fail("listdir: %d entries, want %d; missing %d (e.g. %s), extra %d (e.g. %s)" % (
            len(names), len(want), len(missing), missing[:5], len(extra), extra[:5]))
    # Entry types from readdir (d_type) must all say regular file.
    kinds = {}
    for e in os.scandir(path):
        k = "file" if e.is_file(follow_symlinks=False) else "other"
        kinds[k] = kinds.get(k, 0) + 1
    eq(kinds, {"file": len(want)}, "scandir entry types")


def cmd_xattr(path):
    a, b = "user.e2e.a", "user.e2e.b"
    binval = bytes(range(256))
    os.setxattr(path, a, b"value-a")
    os.setxattr(path, b, binval)
    eq(os.getxattr(path, a), b"value-a", "getxattr a")
    eq(os.getxattr(path, b), binval, "getxattr b (binary, 256 bytes)")
    eq(sorted(x for x in os.listxattr(path) if x.startswith("user.e2e.")), [a, b], "listxattr")
    os.setxattr(path, a, b"v2", os.XATTR_REPLACE)
    eq(os.getxattr(path, a), b"v2", "getxattr a after replace")
    expect_errno(lambda: os.setxattr(path, a, b"x", os.XATTR_CREATE), errno.EEXIST,
                 "setxattr XATTR_CREATE on existing")
    expect_errno(lambda: os.setxattr(path, "user.e2e.none", b"x", os.XATTR_REPLACE), errno.ENODATA,
                 "setxattr XATTR_REPLACE on missing")
    big = os.urandom(2000)
    os.setxattr(path, a, big)
    eq(os.getxattr(path, a), big, "getxattr a (2000 random bytes)")
    os.removexattr(path, a)
    expect_errno(lambda: os.getxattr(path, a), errno.ENODATA, "getxattr after removexattr")
    eq(sorted(x for x in os.listxattr(path) if x.startswith("user.e2e.")), [b], "listxattr after remove")
    expect_errno(lambda: os.removexattr(path, a), errno.ENODATA, "removexattr of missing")
    expect_errno(lambda: os.getxattr(path, "user.e2e.never"), errno.ENODATA, "getxattr of missing")
    os.removexattr(path, b)
    eq([x for x in os.listxattr(path) if x.startswith("user.e2e.")], [], "listxattr at end")


def _wait_forever(limit):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    end = time.time() + limit
    while time.time() < end:
        time.sleep(0.2)


def cmd_hold_flock(path, kind, limit="120"):
    """Take flock(kind = ex|sh) on path, print 'locked', hold until killed."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX if kind == "ex" else fcntl.LOCK_SH)
    print("locked", flush=True)
    _wait_forever(float(limit))


def cmd_hold_lockf(path, start, length, limit="120"):
    """Take a POSIX write lock on [start, start+length), print 'locked', hold."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.lockf(fd, fcntl.LOCK_EX, int(length), int(start))
    print("locked %d" % os.getpid(), flush=True)
    _wait_forever(float(limit))


def cmd_try_lockf(path, start, length, want):
    """Non-blocking POSIX write lock on a range: want = ok | busy."""
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, int(length), int(start))
            got = "ok"
            fcntl.lockf(fd, fcntl.LOCK_UN, int(length), int(start))
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES):
                raise Fail("lockf [%s,+%s): unexpected %s" % (start, length, errno.errorcode.get(e.errno)))
            got = "busy"
        eq(got, want, "lockf write lock on [%s,+%s)" % (start, length))
    finally:
        os.close(fd)


def cmd_getlk(path, start, length, want_type, want_pid="-"):
    """F_GETLK for a write lock on a range; want_type = unlck | wrlck | rdlck.
    If want_pid is not '-', the conflicting lock's l_pid must equal it."""
    fd = os.open(path, os.O_RDWR)
    try:
        # struct flock on x86_64: short l_type, short l_whence, off_t l_start,
        # off_t l_len, pid_t l_pid (+ padding).
        fl = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, int(start), int(length), 0)
        res = fcntl.fcntl(fd, fcntl.F_GETLK, fl)
        l_type, _whence, l_start, l_len, l_pid = struct.unpack("hhqqi4x", res)
        names = {fcntl.F_UNLCK: "unlck", fcntl.F_WRLCK: "wrlck", fcntl.F_RDLCK: "rdlck"}
        eq(names.get(l_type, l_type), want_type, "F_GETLK type on [%s,+%s)" % (start, length))
        if want_type != "unlck":
            eq((l_start, l_len), (0, 100), "F_GETLK range of the conflicting lock")
            if want_pid != "-":
                eq(l_pid, int(want_pid), "F_GETLK pid of the conflicting lock")
    finally:
        os.close(fd)


def cmd_perm_nonroot(dirpath, secret, uid, gid):
    """Run as a non-root user: a root-owned 0600 file must be unreadable and
    unwritable (EACCES), not chmod-able (EPERM); a new file in a 0777 directory
    must belong to the user."""
    uid, gid = int(uid), int(gid)
    eq(os.getuid(), uid, "running uid")
    expect_errno(lambda: os.close(os.open(secret, os.O_WRONLY)), errno.EACCES, "open O_WRONLY of 0600 root file")
    expect_errno(lambda: os.close(os.open(secret, os.O_RDONLY)), errno.EACCES, "open O_RDONLY of 0600 root file")
    expect_errno(lambda: os.truncate(secret, 0), errno.EACCES, "truncate of 0600 root file")
    expect_errno(lambda: os.chmod(secret, 0o666), errno.EPERM, "chmod of root file")
    mine = os.path.join(dirpath, "mine")
    fd = os.open(mine, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    os.write(fd, b"mine")
    os.close(fd)
    st = os.stat(mine)
    eq((st.st_uid, st.st_gid), (uid, gid), "owner of a file created by uid %d" % uid)
    eq(stat.S_IMODE(st.st_mode), 0o640, "mode of a file created by uid %d" % uid)
    with open(mine, "rb") as f:
        eq(f.read(), b"mine", "read back own file")
    os.unlink(mine)
    sub = os.path.join(dirpath, "mydir")
    os.mkdir(sub, 0o750)
    st = os.stat(sub)
    eq((st.st_uid, st.st_gid), (uid, gid), "owner of a dir created by uid %d" % uid)
    os.rmdir(sub)


def cmd_xattr_op(op, path, name="", hexval=""):
    """Print the outcome of one xattr call on path (symlinks not followed),
    for comparison by the caller: get -> hex value, list -> sorted names
    (comma-separated), set/remove -> ok; a failure prints its errno name."""
    try:
        if op == "get":
            print(os.getxattr(path, name, follow_symlinks=False).hex())
        elif op == "list":
            print(",".join(sorted(os.listxattr(path, follow_symlinks=False))))
        elif op == "set":
            os.setxattr(path, name, bytes.fromhex(hexval), follow_symlinks=False)
            print("ok")
        elif op == "remove":
            os.removexattr(path, name, follow_symlinks=False)
            print("ok")
        else:
            raise Fail("xattr-op: unknown op %s" % op)
    except OSError as e:
        print(errno.errorcode.get(e.errno, str(e.errno)))


def cmd_xattr_batch(*ops):
    """xattr-op for each OP:PATH[:NAME[:HEX]], one result line each (one
    process for many calls: a python start costs seconds under TCG)."""
    for op in ops:
        cmd_xattr_op(*op.split(":"))


def acl_value(*entries):
    """A POSIX ACL xattr value (version 2): entries TAG:PERM:ID, ID -1 for none."""
    tags = {"u": 1, "U": 2, "g": 4, "G": 8, "m": 0x10, "o": 0x20}
    v = struct.pack("<I", 2)
    for e in entries:
        t, perm, i = e.split(":")
        v += struct.pack("<HHI", tags[t], int(perm), int(i) & 0xffffffff)
    return v


def cmd_acl_hex(*entries):
    """Print the hex of acl_value(entries), e.g. u:6:-1 U:4:1234 g:4:-1 m:4:-1 o:0:-1."""
    print(acl_value(*entries).hex())


def cmd_fstat_unlinked(path):
    """Print what fstat says of path (uid:gid:mode in octal) after it is
    unlinked while open, or the errno name."""
    fd = os.open(path, os.O_RDWR)
    try:
        os.unlink(path)
        try:
            st = os.fstat(fd)
            print("%d:%d:%o" % (st.st_uid, st.st_gid, st.st_mode))
        except OSError as e:
            print(errno.errorcode.get(e.errno, str(e.errno)))
    finally:
        os.close(fd)


def cmd_mksock(path):
    """Create a unix socket node at path."""
    import socket
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind(path)
    finally:
        s.close()


CMDS = {
    "unlink-open": cmd_unlink_open,
    "rmdir-notempty": cmd_rmdir_notempty,
    "errno": cmd_errno,
    "rename": cmd_rename,
    "utime": cmd_utime,
    "listdir": cmd_listdir,
    "xattr": cmd_xattr,
    "hold-flock": cmd_hold_flock,
    "hold-lockf": cmd_hold_lockf,
    "try-lockf": cmd_try_lockf,
    "getlk": cmd_getlk,
    "perm-nonroot": cmd_perm_nonroot,
    "xattr-op": cmd_xattr_op,
    "xattr-batch": cmd_xattr_batch,
    "acl-hex": cmd_acl_hex,
    "mksock": cmd_mksock,
    "fstat-unlinked": cmd_fstat_unlinked,
}


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in CMDS:
        print("usage: e2e_helper.py {%s} ARGS..." % "|".join(sorted(CMDS)), file=sys.stderr)
        return 2
    try:
        CMDS[sys.argv[1]](*sys.argv[2:])
    except Fail as e:
        print(str(e))
        return 1
    except OSError as e:
        # Say which statement failed: the innermost frame of this file.
        where = ""
        for fr in reversed(traceback.extract_tb(e.__traceback__)):
            if fr.name.startswith("cmd_"):
                where = " in `%s`" % fr.line.strip()
                break
        print("%s: unexpected %s (%s)%s%s" % (sys.argv[1], errno.errorcode.get(e.errno, e.errno), e.strerror,
                                              " on " + e.filename if e.filename else "", where))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
