"""The transfer benchmark (bench.py's part 7; `--only-transfers` runs it alone): files,
folders and tables moved through one S3 server, on this machine, in one run:

- the server: s3s-fs (tests/setup_s3.sh installs it), a Rust object store on its file
  system, on 127.0.0.1 and a free port, its objects on tmpfs beside the work files;
- its limit: `flyte-bench floor`, a plain parallel client (object_store alone, from one
  buffer in memory, nothing kept), the same bytes and files;
- flyte-rs: `flyte-bench file|dir|table` (ExecutionContext's upload/download,
  upload_dir/download_dir, dataframe::write_parquet/read_parquet), one process each;
- flytekit 1.16.31: `bench_transfers.py file|dir|table` (FlyteFile, FlyteDirectory and a
  pandas StructuredDataset through TypeEngine and flytekit's own fsspec/s3fs storage).

Times are taken inside each process around the calls alone; peak RSS is the process's
(VmHWM for ours, GNU time's %M for flytekit). The moved data is checked on both sides.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
GNU_TIME = shutil.which("time", path="/usr/bin:/bin")
BUCKET = "bench"
# Parquet bytes per row of the benchmark's table (id int64, x float64, 16-character label),
# as flyte-rs writes it (snappy): measured, to size the table from --table-mib.
PARQUET_BYTES_PER_ROW = 30.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def once(cmd, env):
    """Runs cmd once (under GNU time when there is one); returns its JSON and peak RSS in MiB."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss:
        timed = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if GNU_TIME else cmd
        code = subprocess.run([str(c) for c in timed], env=env, stdout=out, stderr=err).returncode
        if code != 0:
            err.seek(0)
            raise SystemExit(f"{cmd[0]} {cmd[1]} failed ({code}):\n{err.read().decode(errors='replace')[-3000:]}")
        out.seek(0)
        report = json.loads(out.read().decode().strip().splitlines()[-1])
        peak = float(rss.read().strip().splitlines()[-1]) / 1024 if GNU_TIME else float("nan")
    if report.get("identical") is False:
        raise SystemExit(f"{cmd[0]} {cmd[1]}: the data came back changed: {report}")
    return report, peak


def make_inputs(work, mib, files, small):
    src = work / "transfer-src"
    big = src / "big.bin"
    src.mkdir(parents=True, exist_ok=True)
    with open(big, "wb") as f:
        for _ in range(mib):
            f.write(os.urandom(1 << 20))
    folder = src / "dir"
    for i in range(files):
        sub = folder / f"{i // 100:03}"
        if i % 100 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{i:05}.txt").write_bytes(os.urandom(small))
    return big, folder


class Server:
    """s3s-fs on a free loopback port, its objects under `root`."""

    def __init__(self, binary, root):
        self.root = root
        (root / BUCKET).mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc = subprocess.Popen(
            [binary, "--host", "127.0.0.1", "--port", str(self.port), "--access-key", "test",
             "--secret-key", "test", root],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, RUST_LOG="error"))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("s3s-fs did not start")

    def env(self):
        return dict(os.environ, FLYTE_AWS_ENDPOINT=f"http://127.0.0.1:{self.port}",
                    FLYTE_AWS_ACCESS_KEY_ID="test", FLYTE_AWS_SECRET_ACCESS_KEY="test")

    def clear(self):
        """Drops every object (tmpfs is memory), keeping the bucket."""
        for p in (self.root / BUCKET).iterdir():
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        for p in self.root.glob(".upload*"):
            p.unlink()

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def measure(a, work):
    mib, files, small = a.transfer_mib, a.transfer_files, a.transfer_file_bytes
    rows = int(a.table_mib * (1 << 20) / PARQUET_BYTES_PER_ROW)
    big, folder = make_inputs(work, mib, files, small)
    server = Server(a.s3s_fs, work / "s3s-fs")
    env = server.env()
    py = [sys.executable, HERE / "bench_transfers.py"]
    r = {"mib": mib, "files": files, "small": small, "rows": rows}
    try:
        steps = [
            ("floor", [a.bench, "floor", BUCKET, mib << 20, files, small]),
            ("ours_file", [a.bench, "file", f"s3://{BUCKET}/rs", big]),
            ("py_file", [*py, "file", f"s3://{BUCKET}/py", big]),
            ("ours_dir", [a.bench, "dir", f"s3://{BUCKET}/rs", folder]),
            ("py_dir", [*py, "dir", f"s3://{BUCKET}/py", folder]),
            ("ours_table", [a.bench, "table", f"s3://{BUCKET}/rs", rows]),
            ("py_table", [*py, "table", f"s3://{BUCKET}/py", rows]),
        ]
        for name, cmd in steps:
            r[name] = once(cmd, env)
            server.clear()
            for sandbox in big.parent.glob("flytekit-bench-*"):  # flytekit's downloads
                shutil.rmtree(sandbox, ignore_errors=True)
    finally:
        server.stop()
        shutil.rmtree(work / "s3s-fs", ignore_errors=True)
        shutil.rmtree(work / "transfer-src", ignore_errors=True)
    return r


def report(r):
    floor = r["floor"][0]
    up_rate = floor["bytes"] / floor["file_up_s"]
    down_rate = floor["bytes"] / floor["file_down_s"]
    mib = r["mib"]

    def rate(nbytes, s):
        return f"{nbytes / s / (1 << 20):,.0f} MiB/s"

    rows = []

    def row(label, py_s, ours_s, limit_s, nbytes=None, target="≥ 3× and ≥ 80 %"):
        extra = (lambda s: f" ({rate(nbytes, s)})") if nbytes else (lambda s: "")
        rows.append((label, f"{py_s:.2f} s{extra(py_s)}", f"{ours_s:.2f} s{extra(ours_s)}",
                     f"{limit_s:.2f} s{extra(limit_s)}", f"{py_s / ours_s:.1f}×",
                     f"{100 * limit_s / ours_s:.0f} %", target))

    (of, ofr), (pf, pfr) = r["ours_file"], r["py_file"]
    nbytes = of["bytes"]
    row(f"{mib:,} MiB file up (ctx.upload / FlyteFile)", pf["up_s"], of["up_s"], floor["file_up_s"], nbytes)
    row(f"{mib:,} MiB file down (ctx.download / FlyteFile.download)", pf["down_s"], of["down_s"],
        floor["file_down_s"], nbytes)
    rows.append((f"{mib:,} MiB file, peak RSS of the process (up and down)", f"{pfr:.0f} MiB",
                 f"{of['peak_rss_kib'] / 1024:.1f} MiB", f"{r['floor'][0]['peak_rss_kib'] / 1024:.0f} MiB (all of it)",
                 f"{pfr / (of['peak_rss_kib'] / 1024):.1f}×", "", "≤ 64 MiB"))
    (od, _), (pd_, _) = r["ours_dir"], r["py_dir"]
    n = r["files"]
    row(f"{n:,} files of {r['small']:,} B up (ctx.upload_dir / FlyteDirectory)", pd_["up_s"], od["up_s"],
        floor["dir_up_s"])
    row(f"{n:,} files down (ctx.download_dir / FlyteDirectory.download)", pd_["down_s"], od["down_s"],
        floor["dir_down_s"])
    (ot, otr), (pt, ptr) = r["ours_table"], r["py_table"]
    pq = ot["parquet_bytes"]
    row(f"table of {ot['rows']:,} rows ({pq / (1 << 20):,.0f} MiB parquet) out (write_parquet / StructuredDataset)",
        pt["out_s"], ot["out_s"], pq / up_rate, pq)
    row("  … in (read_parquet / to pandas)", pt["in_s"], ot["in_s"], pq / down_rate, pq)
    rows.append(("  … peak RSS of the process (the table is in memory on both sides)", f"{ptr:.0f} MiB",
                 f"{otr:.0f} MiB", "", "", "", ""))
    print("| measure | flytekit 1.16.31 | flyte-rs | server limit | flytekit/ours | ours/limit | target |")
    print("|---|---|---|---|---|---|---|")
    for x in rows:
        print("| " + " | ".join(x) + " |")
    print(f"\nserver: s3s-fs 0.14.1 on 127.0.0.1, objects on tmpfs; its limit by a plain parallel client: "
          f"{rate(floor['bytes'], floor['file_up_s'])} up, {rate(floor['bytes'], floor['file_down_s'])} down "
          f"(16 MiB parts and ranges, 8 at once), {n / floor['dir_up_s']:,.0f} small objects/s up, "
          f"{n / floor['dir_down_s']:,.0f}/s down (64 at once); the table's limit is its parquet bytes at those rates")
