#!/usr/bin/env python3
"""Memory of shareit against the number of connections it holds.

Starts the real binary on 127.0.0.1, then measures its resident memory
(VmRSS) while it holds, step by step:
  - idle keep-alive connections (each made one request, then went quiet;
    measured once they have been quiet for 2 s, past the 1 s after which
    shareit takes an idle connection out of net/http, fileserver/park.go),
  - active downloads of one 64 MiB file (each read 64 KiB, then stopped
    reading, so the server holds the transfer mid-body; measured once they
    have waited 2 s, past the 1 s after which shareit takes a stalled body
    out of net/http, fileserver/away.go).
Prints a Markdown table with the memory added per connection (the slope of
a least-squares line) and writes docs/scale.svg.

    docs/bench-scale.py [--bin bin/shareit] [--idle 10000] [--downloads 1000]
"""
import argparse
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def settle(pid, seconds=1.0):
    """RSS once it stops moving (the server has handled what was sent)."""
    last, deadline = -1, time.time() + 10
    while time.time() < deadline:
        time.sleep(seconds / 4)
        now = rss_kib(pid)
        if abs(now - last) < 64:
            return now
        last = now
    return last


def request(sock, path):
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())


def read_response(sock):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed")
        buf += chunk
    head, body = buf.split(b"\r\n\r\n", 1)
    length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed mid-body")
        body += chunk
    return head.split(b"\r\n", 1)[0]


def check_service(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    request(s, "/small.txt")
    status = read_response(s)
    s.close()
    if b" 200 " not in status:
        raise RuntimeError(f"service broken: {status!r}")


def slope(points):
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0


def measure(pid, port, total, step, path, partial):
    socks, points = [], [(0, settle(pid))]
    for target in range(step, total + 1, step):
        while len(socks) < target:
            s = socket.socket()
            if partial:
                # Downloads come as from a LAN: an Ethernet-sized MSS and a
                # modest receive buffer. Loopback's 64 KiB MSS makes the
                # kernel give each sending socket megabytes of buffer, and a
                # thousand stalled ones then fill its TCP memory
                # (net.ipv4.tcp_mem) before shareit's own memory shows:
                # new downloads cannot start, whatever the server.
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1460)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 128 << 10)
            s.settimeout(30)
            s.connect(("127.0.0.1", port))
            request(s, path)
            socks.append(s)
        if partial:
            for s in socks[target - step:]:
                got = 0
                while got < 64 * 1024:
                    got += len(s.recv(65536))
        else:
            for s in socks[target - step:]:
                read_response(s)
        time.sleep(2)
        points.append((target, settle(pid)))
        check_service(port)
        print(f"  {path} x{target}: {points[-1][1] / 1024:.1f} MiB", file=sys.stderr)
    for s in socks:
        s.close()
    return points


def svg(series, path):
    w, h, pad = 640, 360, 50
    xmax = max(x for pts, _, _ in series for x, _ in pts)
    ymax = max(y for pts, _, _ in series for _, y in pts) / 1024 * 1.1
    sx = lambda x: pad + x / xmax * (w - 2 * pad)
    sy = lambda y: h - pad - y / 1024 / ymax * (h - 2 * pad)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="black"/>',
           f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{h - pad}" stroke="black"/>',
           f'<text x="{w / 2}" y="{h - 12}" text-anchor="middle">connections held</text>',
           f'<text x="14" y="{h / 2}" transform="rotate(-90 14 {h / 2})" text-anchor="middle">RSS (MiB)</text>']
    for i in range(5):
        yv = ymax * i / 4
        out.append(f'<text x="{pad - 6}" y="{sy(yv * 1024) + 4:.0f}" text-anchor="end">{yv:.0f}</text>')
        xv = xmax * i / 4
        out.append(f'<text x="{sx(xv):.0f}" y="{h - pad + 16}" text-anchor="middle">{xv:.0f}</text>')
    for k, (pts, label, colour) in enumerate(series):
        line = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{pad + 10}" y="{pad + 16 * (k + 1)}" fill="{colour}">{label}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def run_series(binary, root, total, path, partial):
    """One series against a fresh server, so each starts from the same memory."""
    srv = subprocess.Popen([binary, "--headless", "-b", "127.0.0.1", "-p", "0", root],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = None
        for line in srv.stdout:
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        # Drain the request log so the server never waits on the pipe.
        subprocess.Popen(["cat"], stdin=srv.stdout, stdout=subprocess.DEVNULL)
        check_service(port)
        return measure(srv.pid, port, total, max(total // 10, 1), path, partial)
    finally:
        srv.terminate()
        srv.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "bin", "shareit"))
    ap.add_argument("--idle", type=int, default=10000)
    ap.add_argument("--downloads", type=int, default=1000)
    ap.add_argument("--svg", default=os.path.join(HERE, "scale.svg"))
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    with tempfile.TemporaryDirectory() as root:
        with open(os.path.join(root, "small.txt"), "wb") as f:
            f.write(b"x" * 4096)
        with open(os.path.join(root, "big.bin"), "wb") as f:
            f.truncate(64 << 20)
        idle = run_series(args.bin, root, args.idle, "/small.txt", False)
        down = run_series(args.bin, root, args.downloads, "/big.bin", True)

    svg([(idle, f"{args.idle} idle keep-alive connections", "#1f77b4"),
         (down, f"{args.downloads} active downloads", "#d62728")], args.svg)
    print("| connections held | RSS at 0 | RSS at max | added per connection |")
    print("|---|---:|---:|---:|")
    for name, pts in (("idle keep-alive", idle), ("active downloads", down)):
        print(f"| {pts[-1][0]} {name} | {pts[0][1] / 1024:.1f} MiB | {pts[-1][1] / 1024:.1f} MiB "
              f"| {slope(pts):.1f} KiB |")
    print(f"\nPlot: {os.path.relpath(args.svg, os.path.join(HERE, '..'))}")


if __name__ == "__main__":
    main()
