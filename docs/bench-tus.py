#!/usr/bin/env python3
"""Resumable (tus) uploads against a plain PUT, on one shareit, on 127.0.0.1.

    python3 docs/bench-tus.py BIN [BIN_BEFORE]

Starts BIN (and BIN_BEFORE, when given, for a before/after of the plain uploads:
put, form, put4x, putsmall) headless with -u on an empty folder, and measures,
rounds alternating between the binaries:

  put      one BIG_MB file by PUT (one request, synced by shareit before it answers)
  form     the same file as one multipart/form-data POST (curl -F)
  tus8     the same file by tus: POST, then PATCHes of 8 MiB (each synced)
  tus64    the same with 64 MiB PATCHes
  tus4x    W5_STREAMS concurrent tus uploads of W5_MB each (8 MiB PATCHes): aggregate
  small    NFILES files of FILE_KB KiB by tus creation-with-upload (one POST each),
           CONC client processes: files/s
  putsmall the same files by PUT, for comparison

Every upload is checked against the server's Upload-Sha256 answer (tus) or the
stored bytes (PUT), then deleted. Peak RSS of the server (VmHWM, reset before each
measurement) is reported per scenario. Medians and ranges over RUNS rounds.
Knobs (env): BIG_MB=1024 W5_MB=512 W5_STREAMS=4 NFILES=2000 FILE_KB=16 CONC=8 RUNS=3.
"""
import hashlib
import http.client
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

MIB = 1 << 20
BIG_MB = int(os.environ.get("BIG_MB", 1024))
W5_MB = int(os.environ.get("W5_MB", 512))
W5_STREAMS = int(os.environ.get("W5_STREAMS", 4))
NFILES = int(os.environ.get("NFILES", 2000))
FILE_KB = int(os.environ.get("FILE_KB", 16))
CONC = int(os.environ.get("CONC", 8))
RUNS = int(os.environ.get("RUNS", 3))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, binary, work):
        self.dir = tempfile.mkdtemp(dir=work)
        self.port = free_port()
        env = dict(os.environ, XDG_CACHE_HOME=tempfile.mkdtemp(dir=work))
        self.log = open(os.path.join(work, "log-%d" % self.port), "w")
        self.proc = subprocess.Popen([binary, "--headless", "-u", "-b", "127.0.0.1", "-p", str(self.port), self.dir],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("%s did not start" % binary)

    def reset_peak(self):
        with open("/proc/%d/clear_refs" % self.proc.pid, "w") as f:
            f.write("5")

    def peak_mib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0

    def cpu_s(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def clean(self):
        for name in os.listdir(self.dir):
            p = os.path.join(self.dir, name)
            shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        self.log.close()


def conn(port):
    return http.client.HTTPConnection("127.0.0.1", port, timeout=600)


def put(port, name, path):
    c = conn(port)
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        c.request("PUT", "/" + name, body=f, headers={"Content-Length": str(size)})
        r = c.getresponse()
        r.read()
    c.close()
    if r.status not in (200, 201):
        raise RuntimeError("PUT %s: %d" % (name, r.status))


def form(port, name, path):
    """One multipart/form-data POST, as curl -F file=@path sends it, streamed."""
    size = os.path.getsize(path)
    boundary = "----benchtus" + os.urandom(8).hex()
    head = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name)).encode()
    tail = ("\r\n--%s--\r\n" % boundary).encode()
    c = conn(port)
    c.putrequest("POST", "/")
    c.putheader("Content-Type", "multipart/form-data; boundary=" + boundary)
    c.putheader("Content-Length", str(len(head) + size + len(tail)))
    c.endheaders()
    c.send(head)
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            c.send(b)
    c.send(tail)
    r = c.getresponse()
    r.read()
    c.close()
    if r.status not in (200, 201):
        raise RuntimeError("form %s: %d" % (name, r.status))


def tus(port, name, path, chunk):
    size = os.path.getsize(path)
    c = conn(port)
    meta = "filename " + __import__("base64").b64encode(name.encode()).decode()
    c.request("POST", "/", headers={"Tus-Resumable": "1.0.0", "Upload-Length": str(size), "Upload-Metadata": meta})
    r = c.getresponse()
    r.read()
    if r.status != 201:
        raise RuntimeError("POST %s: %d" % (name, r.status))
    loc = "/" + r.getheader("Location").split("/", 3)[3]
    offset, digest = 0, ""
    with open(path, "rb") as f:
        while offset < size:
            n = min(chunk, size - offset)
            c.putrequest("PATCH", loc)
            for k, v in (("Tus-Resumable", "1.0.0"), ("Upload-Offset", str(offset)),
                         ("Content-Type", "application/offset+octet-stream"), ("Content-Length", str(n))):
                c.putheader(k, v)
            c.endheaders()
            left = n
            while left:
                b = f.read(min(left, 1 << 20))
                c.send(b)
                left -= len(b)
            r = c.getresponse()
            r.read()
            if r.status != 204:
                raise RuntimeError("PATCH %s: %d" % (name, r.status))
            offset = int(r.getheader("Upload-Offset"))
            digest = r.getheader("Upload-Sha256") or digest
    c.close()
    return digest


def small_worker(args):
    port, names, blob, use_tus = args
    c = conn(port)
    import base64
    for name in names:
        if use_tus:
            meta = "filename " + base64.b64encode(name.encode()).decode()
            c.request("POST", "/", body=blob, headers={
                "Tus-Resumable": "1.0.0", "Upload-Length": str(len(blob)), "Upload-Metadata": meta,
                "Content-Type": "application/offset+octet-stream"})
            ok = (201,)
        else:
            c.request("PUT", "/" + name, body=blob)
            ok = (200, 201)
        r = c.getresponse()
        r.read()
        if r.status not in ok:
            raise RuntimeError("%s: %d" % (name, r.status))
    c.close()


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(4 << 20), b""):
            h.update(b)
    return h.hexdigest()


def main():
    bins = sys.argv[1:]
    if not bins:
        sys.exit(__doc__)
    work = tempfile.mkdtemp(prefix="bench-tus-")
    big = os.path.join(work, "big.bin")
    w5 = os.path.join(work, "w5.bin")
    subprocess.run(["dd", "if=/dev/urandom", "of=" + big, "bs=1M", "count=%d" % BIG_MB, "status=none"], check=True)
    subprocess.run(["dd", "if=" + big, "of=" + w5, "bs=1M", "count=%d" % W5_MB, "status=none"], check=True)
    big_sum, w5_sum = sha256(big), sha256(w5)
    blob = os.urandom(FILE_KB * 1024)
    servers = {b: Server(b, work) for b in bins}
    results = {}  # (bin, scenario) -> list of (value, peak MiB, cpu s)

    def record(b, scen, value, s, cpu0):
        results.setdefault((b, scen), []).append((value, s.peak_mib(), s.cpu_s() - cpu0))
        print("  %-8s %-40s %8.1f  peak %5.1f MiB" % (scen, os.path.basename(b), value, s.peak_mib()), file=sys.stderr, flush=True)

    try:
        for rnd in range(RUNS):
            order = bins if rnd % 2 == 0 else bins[::-1]
            print("round %d" % (rnd + 1), file=sys.stderr, flush=True)
            for b in order:
                s = servers[b]
                plain_only = b != bins[0]  # a binary from before tus: plain uploads only
                for scen in ("put", "form") if plain_only else ("put", "form", "tus8", "tus64"):
                    s.reset_peak()
                    cpu0 = s.cpu_s()
                    t = time.monotonic()
                    if scen in ("put", "form"):
                        (put if scen == "put" else form)(s.port, "big.bin", big)
                        ok = sha256(os.path.join(s.dir, "big.bin")) == big_sum
                    else:
                        ok = tus(s.port, "big.bin", big, (8 if scen == "tus8" else 64) * MIB) == big_sum
                    dt = time.monotonic() - t
                    if not ok:
                        raise RuntimeError("%s: stored bytes differ" % scen)
                    record(b, scen, BIG_MB * MIB / dt / 1e6, s, cpu0)
                    s.clean()
                # W5: concurrent uploads, by tus (or PUT for a binary from before tus).
                s.reset_peak()
                cpu0 = s.cpu_s()
                t = time.monotonic()
                with multiprocessing.pool.ThreadPool(W5_STREAMS) as pool:
                    if plain_only:
                        pool.starmap(put, [(s.port, "w5-%d.bin" % i, w5) for i in range(W5_STREAMS)])
                        sums = [sha256(os.path.join(s.dir, "w5-%d.bin" % i)) for i in range(W5_STREAMS)]
                    else:
                        sums = pool.starmap(tus, [(s.port, "w5-%d.bin" % i, w5, 8 * MIB) for i in range(W5_STREAMS)])
                dt = time.monotonic() - t
                if any(x != w5_sum for x in sums):
                    raise RuntimeError("4x: a digest differs")
                record(b, "put4x" if plain_only else "tus4x", W5_STREAMS * W5_MB * MIB / dt / 1e6, s, cpu0)
                s.clean()
                for scen in ("putsmall",) if plain_only else ("small", "putsmall"):
                    names = ["f%05d.bin" % i for i in range(NFILES)]
                    jobs = [(s.port, names[i::CONC], blob, scen == "small") for i in range(CONC)]
                    s.reset_peak()
                    cpu0 = s.cpu_s()
                    t = time.monotonic()
                    with multiprocessing.Pool(CONC) as pool:
                        pool.map(small_worker, jobs)
                    dt = time.monotonic() - t
                    stored = os.listdir(s.dir)
                    if len(stored) != NFILES:
                        raise RuntimeError("%s: %d files stored of %d" % (scen, len(stored), NFILES))
                    record(b, scen, NFILES / dt, s, cpu0)
                    s.clean()
    finally:
        for s in servers.values():
            s.stop()
        shutil.rmtree(work, ignore_errors=True)

    print("| binary | scenario | median | range | peak RSS MiB | CPU s (median) |")
    print("|---|---|---|---|---|---|")
    units = {"put": "MB/s", "form": "MB/s", "tus8": "MB/s", "tus64": "MB/s", "tus4x": "MB/s", "put4x": "MB/s",
             "small": "files/s", "putsmall": "files/s"}
    for b in bins:
        for scen in units:
            rs = results.get((b, scen), [])
            if not rs:
                continue
            vals = [r[0] for r in rs]
            print("| %s | %s | %.0f %s | %.0f–%.0f | %.1f | %.2f |" % (
                os.path.basename(b), scen, statistics.median(vals), units[scen], min(vals), max(vals),
                max(r[1] for r in rs), statistics.median(r[2] for r in rs)))


if __name__ == "__main__":
    import multiprocessing.pool  # noqa: F401
    main()
