#!/usr/bin/env python3
"""Small tools of the fault suite (tests/fault/run.sh) that a shell does badly.

  faultlib.py repeat TEXT COUNT             write TEXT COUNT times to stdout (hostile inputs of any size)
  faultlib.py flip FILE COUNT SEED          flip COUNT bits of FILE in place, at positions drawn from SEED
  faultlib.py measure RESULT -- COMMAND...  run COMMAND; write "EXIT SECONDS MAXRSS_KIB" to RESULT, exit as COMMAND
  faultlib.py json FILE                     describe FILE, which must be one citego-search JSON object and a newline:
                                            "answer TOTAL ID,ID,..." or "error CODE"; anything else is
                                            "invalid: WHY" (exit 1)

Only the standard library: python3 is a build dependency already (README, Dependencies).
"""
import json
import os
import random
import resource
import subprocess
import sys
import time


def repeat(text, count):
    data = text.encode()
    out = sys.stdout.buffer
    chunk = data * max(1, 65536 // max(1, len(data)))
    per_chunk = len(chunk) // len(data)
    full, rest = divmod(int(count), per_chunk)
    for _ in range(full):
        out.write(chunk)
    out.write(data * rest)
    return 0


def flip(path, count, seed):
    rng = random.Random(int(seed))
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if not data:
            return 0
        for _ in range(int(count)):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        f.seek(0)
        f.write(data)
    return 0


def measure(result_path, command):
    started = time.monotonic()
    status = subprocess.call(command)
    seconds = time.monotonic() - started
    if status < 0:
        status = 128 - status  # killed by a signal: the shell's convention
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(result_path, "w") as f:
        f.write("%d %.3f %d\n" % (status, seconds, maxrss))
    return status


def describe_json(path):
    with open(path, "rb") as f:
        raw = f.read()
    if not raw.endswith(b"\n") or raw.count(b"\n") != 1:
        return "invalid: not one line ending in a newline (%d bytes)" % len(raw), 1
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return "invalid: not UTF-8 (%s)" % e, 1
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        return "invalid: a raw control character", 1
    try:
        value = json.loads(text)
    except ValueError as e:
        return "invalid: not JSON (%s)" % e, 1
    if not isinstance(value, dict) or value.get("version") != 2:
        return "invalid: not a version 2 object", 1
    if "error" in value:
        error = value["error"]
        if not isinstance(error, dict) or not isinstance(error.get("code"), str) or not isinstance(
                error.get("message"), str):
            return "invalid: an error without code and message", 1
        return "error " + error["code"], 0
    hits = value.get("hits")
    if not isinstance(hits, list) or not isinstance(value.get("total"), int):
        return "invalid: neither an answer nor an error", 1
    return "answer %d %s" % (value["total"], ",".join(str(h.get("id")) for h in hits)), 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "repeat":
        return repeat(argv[1], argv[2])
    if len(argv) == 4 and argv[0] == "flip":
        return flip(argv[1], argv[2], argv[3])
    if len(argv) >= 4 and argv[0] == "measure" and argv[2] == "--":
        return measure(argv[1], argv[3:])
    if len(argv) == 2 and argv[0] == "json":
        text, status = describe_json(argv[1])
        print(text)
        return status
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
