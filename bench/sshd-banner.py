#!/usr/bin/env python3
"""Waits for an sshd banner: sshd-banner.py ADDRESS TIMEOUT_S [DOCKER_CONTAINER]

Prints the wall clock (ms since the epoch) when "SSH-" arrived on ADDRESS:22 and exits 0; exits 1 after TIMEOUT_S, or
as soon as DOCKER_CONTAINER (checked every 2 s) is no longer running. Used by the start benchmarks."""
import socket
import subprocess
import sys
import time

address, timeout = sys.argv[1], float(sys.argv[2])
container = sys.argv[3] if len(sys.argv) > 3 else None
deadline = time.time() + timeout
checked = time.time()
while time.time() < deadline:
    try:
        s = socket.create_connection((address, 22), timeout=0.2)
        s.settimeout(5)
        if s.recv(64).startswith(b"SSH-"):
            print(int(time.time() * 1000))
            sys.exit(0)
    except OSError:
        time.sleep(0.01)
    if container and time.time() - checked > 2:
        checked = time.time()
        state = subprocess.run(["docker", "inspect", "-f", "{{.State.Running}}", container], capture_output=True, text=True)
        if state.stdout.strip() != "true":
            sys.exit(1)
sys.exit(1)
