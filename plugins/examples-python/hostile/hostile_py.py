"""A deliberately hostile Python validator for the sandbox's tests: what it does is chosen by
the config key `mode` the test grants. The subject of its findings is the first project."""

import os
import socket
import time

from digifarm_plugin import Diagnostic, Validator, host


class Hostile(Validator):
    def validate(self, city, projects):
        mode = host.config("mode") or "behave"
        first = projects[0].id if projects else ""

        def info(message):
            return [Diagnostic.info(first, "probe", "", message)]

        if mode == "behave":
            return []
        if mode == "loop":
            while True:
                pass
        if mode == "memory":
            hoard = []
            while True:
                hoard.append(bytearray(1 << 20))
        if mode == "raise":
            raise ValueError("boom")
        if mode == "recursion":
            def down(n):
                return down(n + 1) + 1
            return info(str(down(0)))
        if mode == "exit":
            os._exit(3)
        if mode == "oversized":
            return [Diagnostic.info(first, "big", "", "x" * 2000) for _ in range(12_000)]
        if mode == "wrong-shape":
            return 42
        if mode == "wrong-item":
            return [{"subject": first, "code": "dict", "message": "a dict, not a Diagnostic"}]
        if mode == "control":
            return [Diagnostic.warning(first, "escape", "", "red \x1b[31malert\x1b[0m \u202egnp.exe\nforged line")]
        if mode == "file":
            with open("/etc/passwd") as f:
                return info(f.read())
        if mode == "socket":
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.connect(("127.0.0.1", 9))
            return info("connected")
        if mode == "clock":
            return info(f"now: {time.time()}")
        if mode == "env":
            return info("env: " + ",".join(f"{k}={v}" for k, v in sorted(os.environ.items())))
        if mode == "entropy":
            return info("bytes: " + os.urandom(16).hex())
        if mode == "bad-subject":
            return [Diagnostic.error("no-such-project", "probe", "", "not in the batch")]
        raise ValueError(f"unknown mode {mode!r}")
