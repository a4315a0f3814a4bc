#!/usr/bin/env python3
"""Writes the seed corpus of the decoder fuzz targets (fuzz/corpus/<target>/).

Seeds come from the protocol notes (docs/sync-protocol.md), the packet mix
(bench/packets.jsonl: pass its path) and the decoder's tests. JSON Lines seeds
for json_line_fuzzer are `synctrace demo --json` / `synctrace decode --format
json` output: pass files holding such lines. Run from the repository root:
  fuzz/make_seeds.py /work/shared/bench/packets.jsonl /tmp/demo.jsonl
"""
import hashlib, os, struct, sys

PACKETS = [
    b'{"type":"procReady","flags":0}',
    b'{"type":"procRun"}',
    b'{"type":"procHooks","flags":0}',
    b'{"type":"procHooksDone","flags":0}',
    b'{"type":"procSeccomp","flags":0,"arg":7}',
    b'{"type":"procSeccompDone","flags":0}',
    b'{"type":"procMountFd","flags":1,"arg":{"type":"open_tree"}}',
    b'{"type":"procMountFd","flags":1,"arg":{"type":"plain-open"}}',
    b'{"type":"procMountPlease","flags":0,"arg":{"source":"/data","destination":"/mnt","flags":20480,"propagation_flags":[278528],"rec_attr":null,"id_mapping":{"recursive":false}}}',
    b'{"type":"procError","flags":0,"arg":{"message":"a \\u003cb\\u003e \\"q\\" \\ud83d\\ude00"}}',
    b'{"type":"procError","arg":{"message":"mount failed: permission denied"}}',
    b'{"type":"procReady","flags":0,"arg":null}',
    b'{"type":"procFoo","flags":2}',
    b'{"type":"procReady","flags":0',
    b'{"type":"procReady","flags":0}  trailing',
    b'{"type":7}',
    b'{"type":"procRe\xffady"}',
    b'{"type":"procError","arg":{"message":"\\ud800 lone"}}',
    b'[1,2,3]',
    b'',
    b'\x00\x01\x02',
]
FD_NAMES = [b'/data', b'/var/lib/data', b'', b'/a\xff\x00b', b'x' * 300]


def write(target, name, data):
    d = os.path.join('fuzz', 'corpus', target)
    os.makedirs(d, exist_ok=True)
    if name is None:
        name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def framed(packets):
    """fuzz::PacketReader's format: header byte, 2-byte length, data."""
    out = b''
    for header, data in packets:
        out += bytes([header]) + struct.pack('<H', len(data)) + data
    return out


def main(args):
    packets = list(PACKETS)
    json_lines = []
    for path in args:
        with open(path, 'rb') as f:
            for line in f.read().splitlines():
                if not line.strip():
                    continue
                if b'"kind"' in line:
                    json_lines.append(line)
                elif line not in packets:
                    packets.append(line)
    for p in packets:
        write('packet_fuzzer', None, p)
    # fd packets: header (bits 0-1 fds, bit 2 ctrunc, bit 3 described, bits 4-5
    # which announcement) + data.
    for header in (0x09, 0x01, 0x00, 0x02, 0x05, 0x19, 0x29, 0x3b):
        for name in FD_NAMES[:3]:
            write('fd_packet_fuzzer', None, bytes([header]) + name)
    write('fd_packet_fuzzer', None, bytes([0x01]) + PACKETS[0])  # JSON in place of the fd packet
    write('fd_packet_fuzzer', None, bytes([0x09]) + FD_NAMES[3])
    write('fd_packet_fuzzer', None, bytes([0x09]) + FD_NAMES[4])
    # Sequences in one direction (parent -> child and child -> parent of the
    # simulator's scenarios, then broken variants).
    mountfd = PACKETS[6]
    seqs = [
        [(0, mountfd), (9, b'/data'), (0, PACKETS[3]), (0, PACKETS[0x5]), (0, b'{"type":"procRun","flags":0}')],
        [(0, PACKETS[8]), (0, PACKETS[8]), (0, PACKETS[4]), (0, PACKETS[2]), (0, PACKETS[0])],
        [(0, mountfd), (0, PACKETS[3])],                      # fd packet missing
        [(9, b'/data'), (0, PACKETS[0])],                     # unannounced fd packet
        [(1, PACKETS[0]), (0, b'')],                          # fds on a JSON packet, 0-byte packet
        [(0, mountfd), (0, b'/data'), (0, mountfd), (6, b'/x')],  # no fd, ctrunc
        [(0, PACKETS[9])],
        [(0, mountfd)],                                       # stream ends while waiting
        [(3, b'/data'), (0, PACKETS[13]), (0, mountfd), (0x0b, FD_NAMES[3])],
    ]
    for s in seqs:
        write('sequence_fuzzer', None, framed(s))
    for line in json_lines:
        write('json_line_fuzzer', None, line)
    for line in (b'{"kind":"note","seq":1,"session":"s1","text":"hi"}',
                 b'{"kind":"message","seq":2,"session":"s2","raw":"e30="}',
                 b'{"kind":"events-dropped","dropped":5}',
                 b'{"kind":"session-start","session":"s0"}',
                 b'not json'):
        write('json_line_fuzzer', None, line)


if __name__ == '__main__':
    main(sys.argv[1:])
