"""Runs a command on a pseudo-terminal, as a user at a keyboard would, from a script of steps.

    python3 tests/terminal.py STEPS_JSON COMMAND [ARG...]

STEPS_JSON is a list of ["expect", TEXT] (wait until the output so far, since the last match,
holds TEXT), ["send", KEYS] (type KEYS) and ["run", COMMAND] (run COMMAND, a shell command
line, beside the terminal's and wait for it; it must succeed). After the last step the command's remaining output
is read until it exits. Prints everything the terminal showed and exits with the command's
exit code, or 124 if an expected text did not come within 20 seconds (or the command did not
end within 20 seconds of the last step)."""
import json
import os
import pty
import select
import subprocess
import sys
import time

WAIT = 20.0

steps = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])

seen = b""
unmatched = 0  # where the output not yet matched by an expect starts


def read_some(deadline):
    global seen
    left = deadline - time.monotonic()
    if left <= 0:
        return False
    ready, _, _ = select.select([fd], [], [], left)
    if not ready:
        return False
    try:
        data = os.read(fd, 4096)
    except OSError:  # the command ended and closed the terminal
        return None
    if not data:
        return None
    seen += data
    return True


def give_up(why):
    sys.stdout.write(seen.decode("utf-8", "replace"))
    sys.stdout.write(f"\n[terminal.py: {why}]\n")
    sys.exit(124)


for kind, text in steps:
    if kind == "send":
        os.write(fd, text.encode())
        continue
    if kind == "run":
        subprocess.run(text, shell=True, check=True, stdout=subprocess.DEVNULL, timeout=WAIT)
        continue
    deadline = time.monotonic() + WAIT
    want = text.encode()
    while want not in seen[unmatched:]:
        got = read_some(deadline)
        if not got:
            give_up(f"did not see {text!r}")
    unmatched = seen.index(want, unmatched) + len(want)

deadline = time.monotonic() + WAIT
while True:
    got = read_some(deadline)
    if got is None:
        break
    if got is False:
        os.kill(pid, 9)
        give_up("the command did not end")
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
