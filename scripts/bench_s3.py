"""Backups of bench_backup.py's 1,000,000-row database to S3 on a local Ceph RADOS Gateway:
`cairn backup sync-url s3://...` / `cairn backup restore s3://...` beside `restic` (s3: backend)
and `rclone sync` of the database folder, run in one invocation against one gateway that this
script starts (scripts/ceph.sh) and stops, and a cairn sync of the unchanged database. Each
tool has its own bucket. For each command:
wall time, the requests the gateway logged (by kind), the bucket's size afterwards, the bytes written
(for a backup, the sizes of the objects it added or replaced; for a restore, how much the
target folder grew) and the process's peak memory.

Usage: python3 scripts/bench_s3.py path/to/release/cairn [--requests]
Prints a Markdown table; with --requests, then each cairn command's requests (method and
object, as the gateway logs them), to see what they are."""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_backup import CAIRN, ENV, ROWS, generate, run, size, tree_bytes  # noqa: E402

CEPH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ceph.sh")
S3 = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def read_env(path):
    """The `export K=V` lines that ceph.sh writes, as a dict."""
    out = {}
    with open(path) as f:
        for line in f:
            if line.startswith("export "):
                key, _, value = line[len("export "):].strip().partition("=")
                out[key] = value
    return out


def curl_s3(*args):
    """A SigV4-signed curl request to the gateway; returns the body."""
    cmd = ["curl", "-sS", "-f", "--aws-sigv4", "aws:amz:us-east-1:s3",
           "--user", f"{ENV['AWS_ACCESS_KEY_ID']}:{ENV['AWS_SECRET_ACCESS_KEY']}",
           "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", *args]
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout


def list_bucket(bucket):
    """Every object in the bucket (ListObjectsV2, paginated): {key: (size, etag)}."""
    objects, token = {}, None
    while True:
        query = "list-type=2&max-keys=1000"
        if token:
            query += "&continuation-token=" + urllib.parse.quote(token, safe="")
        root = ET.fromstring(curl_s3(f"{ENV['AWS_ENDPOINT_URL']}/{bucket}?{query}"))
        for c in root.iter(S3 + "Contents"):
            objects[c.findtext(S3 + "Key")] = (int(c.findtext(S3 + "Size")), c.findtext(S3 + "ETag"))
        if root.findtext(S3 + "IsTruncated") != "true":
            return objects
        token = root.findtext(S3 + "NextContinuationToken")


class Gateway:
    """Reads the requests radosgw logs (one `beast:` line each)."""

    def __init__(self, log):
        self.log = log

    def requests(self):
        """The request lines logged so far, once the log has stopped growing (radosgw writes it
        from a background thread)."""
        last, stable_since = None, time.monotonic()
        while True:
            with open(self.log, errors="replace") as f:
                lines = [line for line in f if "beast:" in line]
            if len(lines) != (len(last) if last is not None else -1):
                last, stable_since = lines, time.monotonic()
            elif time.monotonic() - stable_since >= 0.5:
                return lines
            time.sleep(0.1)


def kinds(lines):
    """'N (a GET, b PUT, ...)' for request lines: LIST and LOCATION are GETs of a bucket."""
    counts = {}
    for line in lines:
        method, path = line.split('"', 2)[1].split()[:2]
        if method == "GET" and "/" not in path.split("?")[0].strip("/"):
            method = "LOCATION" if "location" in path.partition("?")[2] else "LIST"
        counts[method] = counts.get(method, 0) + 1
    parts = ", ".join(f"{n} {m}" for m, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    return f"{len(lines):,} ({parts})"


def main():
    # The peers and the cluster are installed by hand (Debian's packages), not by setup.sh:
    # only this benchmark uses them all. Say so before the database is generated.
    missing = [t for t in ("restic", "rclone", "radosgw") if shutil.which(t) is None]
    if missing:
        sys.exit(f"bench: missing {', '.join(missing)}: apt-get install -y --no-install-recommends "
                 "restic rclone, and scripts/ceph.sh install")
    work = tempfile.mkdtemp(prefix="cairn-bench-s3-")
    ceph = os.path.join(work, "ceph")
    try:
        db = generate(work)
        # The watcher stops the cluster when this process exits, however it ends.
        subprocess.run([CEPH, "start", ceph, "--until-exit", str(os.getpid())], check=True, stdout=subprocess.DEVNULL)
        ENV.update(read_env(os.path.join(ceph, "env")))
        endpoint = ENV["AWS_ENDPOINT_URL"]
        # The gateway is plain HTTP; rclone refuses to start when AWS_CA_BUNDLE is set at all.
        ENV.pop("AWS_CA_BUNDLE", None)
        ENV.update(RCLONE_CONFIG_CEPH_TYPE="s3", RCLONE_CONFIG_CEPH_PROVIDER="Ceph",
                   RCLONE_CONFIG_CEPH_ENDPOINT=endpoint,
                   RCLONE_CONFIG_CEPH_ACCESS_KEY_ID=ENV["AWS_ACCESS_KEY_ID"],
                   RCLONE_CONFIG_CEPH_SECRET_ACCESS_KEY=ENV["AWS_SECRET_ACCESS_KEY"])
        gateway = Gateway(os.path.join(ceph, "log", "client.rgw.gw.log"))
        buckets = {"cairn": "bench-cairn", "restic": "bench-restic", "rclone": "bench-rclone"}
        for bucket in buckets.values():
            curl_s3("-X", "PUT", f"{endpoint}/{bucket}")
        cairn_url = f"s3://{buckets['cairn']}/db?endpoint={endpoint}&path-style=true"
        restic_repo = f"s3:{endpoint}/{buckets['restic']}/restic"
        rclone_dest = f"ceph:{buckets['rclone']}/db"
        subprocess.run(["restic", "-r", restic_repo, "init", "--quiet"], env=ENV, check=True, stdout=subprocess.DEVNULL)

        rows = []
        logged = []

        def measure(case, tool, cmd, cwd, bucket, restored=None):
            listed = list_bucket(bucket)
            before = len(gateway.requests())
            took, grew, rss = run(cmd, cwd, restored)
            lines = gateway.requests()[before:]
            requests = kinds(lines)
            if tool.startswith("cairn"):
                logged.append((f"{case}: {tool}", lines))
            after = list_bucket(bucket)
            stored = sum(s for s, _ in after.values())
            if restored is None:  # a backup: the objects it added or replaced
                grew = sum(s for k, (s, e) in after.items() if listed.get(k) != (s, e))
            rows.append((case, tool, took, requests, stored, grew, rss))

        def backups(case):
            measure(case, "cairn backup sync-url", [CAIRN, "backup", "sync-url", cairn_url, "--quiet"], db, buckets["cairn"])
            measure(case, "restic backup", ["restic", "-r", restic_repo, "backup", "--quiet", db], work, buckets["restic"])
            measure(case, "rclone sync", ["rclone", "sync", db, rclone_dest], work, buckets["rclone"])

        load = [os.getloadavg()]
        backups("first backup")
        run([CAIRN, "sql", "-q", "update t set b = 'changed' where id = 500000"], db)
        backups("after one row changed")
        # Issue 12: a sync of an unchanged database reads a handful of objects and writes none.
        measure("nothing changed", "cairn backup sync-url", [CAIRN, "backup", "sync-url", cairn_url, "--quiet"], db, buckets["cairn"])
        back = {tool: os.path.join(work, f"{tool}-back") for tool in buckets}
        measure("restore", "cairn backup restore", [CAIRN, "backup", "restore", "--quiet", cairn_url, back["cairn"]], work, buckets["cairn"], back["cairn"])
        measure("restore", "restic restore", ["restic", "-r", restic_repo, "restore", "latest", "--quiet", "--target", back["restic"]], work, buckets["restic"], back["restic"])
        measure("restore", "rclone sync", ["rclone", "sync", rclone_dest, back["rclone"]], work, buckets["rclone"], back["rclone"])
        load.append(os.getloadavg())

        # The restores must hold the changed row (cairn) or the database folder's files.
        out = subprocess.run([CAIRN, "sql", "-q", "select b from t where id = 500000"], cwd=back["cairn"], env=ENV,
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        if "changed" not in out:
            sys.exit(f"bench: the cairn restore lacks the changed row: {out!r}")
        for tool, folder in [("restic", back["restic"] + db), ("rclone", back["rclone"])]:
            if subprocess.run(["diff", "-rq", db, folder], stdout=subprocess.DEVNULL).returncode != 0:
                sys.exit(f"bench: the {tool} restore differs from the database folder")

        print(f"Database: {ROWS:,} rows, {size(tree_bytes(os.path.join(db, '.cairn')))} on disk. "
              f"Load average (1 min) {load[0][0]:.1f} before, {load[1][0]:.1f} after.\n")
        print("| case | tool | wall time | requests | bucket afterwards | written | peak memory |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for case, tool, took, requests, stored, written, rss in rows:
            print(f"| {case} | {tool} | {took * 1000:,.0f} ms | {requests} | {size(stored)} | {size(written)} | {size(rss)} |")
        if "--requests" in sys.argv[2:]:
            for title, lines in logged:
                print(f"\n{title}:")
                for line in lines:
                    print("   ", line.split('"', 2)[1])
    finally:
        subprocess.run([CEPH, "stop", ceph], stdout=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
