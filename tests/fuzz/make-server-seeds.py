#!/usr/bin/env python3
"""make-server-seeds.py: write the seed corpus of fuzz_server.

Each seed is a sequence of 9P2000.L T-messages as a client sends them after
Tversion and Tattach (fid 0 is the export root, which holds file, dir/inner,
out -> /etc and fifo). Run from the repository root:
    tests/fuzz/make-server-seeds.py tests/fuzz/corpus/server
"""
import os
import struct
import sys


def s(x):
    b = x.encode()
    return struct.pack("<H", len(b)) + b


def msg(mtype, tag, body):
    return struct.pack("<IBH", 7 + len(body), mtype, tag) + body


def walk(tag, fid, newfid, *names):
    return msg(110, tag, struct.pack("<IIH", fid, newfid, len(names)) + b"".join(s(n) for n in names))


def lopen(tag, fid, flags):
    return msg(12, tag, struct.pack("<II", fid, flags))


def read(tag, fid, off, count):
    return msg(116, tag, struct.pack("<IQI", fid, off, count))


def write(tag, fid, off, data):
    return msg(118, tag, struct.pack("<IQI", fid, off, len(data)) + data)


def clunk(tag, fid):
    return msg(120, tag, struct.pack("<I", fid))


def getattr_(tag, fid):
    return msg(24, tag, struct.pack("<IQ", fid, 0x3FFF))


def lcreate(tag, fid, name, flags, mode):
    return msg(14, tag, struct.pack("<I", fid) + s(name) + struct.pack("<III", flags, mode, 0))


def readdir(tag, fid, off, count):
    return msg(40, tag, struct.pack("<IQI", fid, off, count))


def mkdir(tag, dfid, name):
    return msg(72, tag, struct.pack("<I", dfid) + s(name) + struct.pack("<II", 0o755, 0))


def renameat(tag, ofid, oname, nfid, nname):
    return msg(74, tag, struct.pack("<I", ofid) + s(oname) + struct.pack("<I", nfid) + s(nname))


def unlinkat(tag, dfid, name, flags):
    return msg(76, tag, struct.pack("<I", dfid) + s(name) + struct.pack("<I", flags))


def lock(tag, fid, ltype, flags):
    return msg(52, tag, struct.pack("<IBIQQI", fid, ltype, flags, 0, 0, 1) + s("fuzz"))


def flush(tag, oldtag):
    return msg(108, tag, struct.pack("<H", oldtag))


def xattrwalk(tag, fid, newfid, name):
    return msg(30, tag, struct.pack("<II", fid, newfid) + s(name))


def xattrcreate(tag, fid, name, size):
    return msg(32, tag, struct.pack("<I", fid) + s(name) + struct.pack("<QI", size, 0))


def setattr_(tag, fid, valid, mode, size):
    return msg(26, tag, struct.pack("<IIIIIQQQQQ", fid, valid, mode, 0, 0, size, 0, 0, 0, 0))


def symlink(tag, dfid, name, target):
    return msg(16, tag, struct.pack("<I", dfid) + s(name) + s(target) + struct.pack("<I", 0))


def readlink(tag, fid):
    return msg(22, tag, struct.pack("<I", fid))


seeds = {
    "read-file": walk(1, 0, 1, "file") + lopen(2, 1, 0) + read(3, 1, 0, 4096) + clunk(4, 1),
    "walk-deep": walk(1, 0, 1, "dir", "inner") + getattr_(2, 1) + walk(3, 1, 2, "..", "..", "..") + getattr_(4, 2),
    "escape": walk(1, 0, 1, "out", "passwd") + walk(2, 0, 2, "out") + lopen(3, 2, 0) + readlink(4, 2),
    "fifo": walk(1, 0, 1, "fifo") + lopen(2, 1, 2),
    "create-write": walk(1, 0, 1) + lcreate(2, 1, "new", 2, 0o644) + write(3, 1, 0, b"hello") + read(4, 1, 0, 5) + unlinkat(5, 0, "new", 0) + read(6, 1, 0, 5) + clunk(7, 1),
    "readdir": walk(1, 0, 1) + lopen(2, 1, 0) + readdir(3, 1, 0, 200) + readdir(4, 1, 0, 30) + clunk(5, 1),
    "mkdir-rename": mkdir(1, 0, "m") + walk(2, 0, 1, "m") + renameat(3, 0, "m", 0, "n") + lcreate(4, 1, "x", 1, 0o600) + unlinkat(5, 0, "n", 0x200),
    "lock-flush": walk(1, 0, 1, "file") + lopen(2, 1, 2) + walk(3, 0, 2, "file") + lopen(4, 2, 2) + lock(5, 1, 1, 0) + lock(6, 2, 1, 1) + flush(7, 6),
    "xattr": walk(1, 0, 1, "file") + xattrcreate(2, 1, "user.a", 3) + write(3, 1, 0, b"abc") + clunk(4, 1) + xattrwalk(5, 0, 2, "") + read(6, 2, 0, 100),
    "setattr": walk(1, 0, 1, "file") + setattr_(2, 1, 0x9, 0o600, 3) + getattr_(3, 1),
    "symlink": symlink(1, 0, "sl", "../../etc") + walk(2, 0, 1, "sl") + readlink(3, 1) + unlinkat(4, 0, "sl", 0),
}
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
