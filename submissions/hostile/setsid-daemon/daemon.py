import os
import sys
import time


def daemon(keep_stdout):
    if os.fork() > 0:
        return
    os.setsid()
    if os.fork() > 0:
        os._exit(0)
    if not keep_stdout:
        devnull = os.open("/dev/null", os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
    os.chdir("/")
    while True:  # a daemon that keeps working after its run
        time.sleep(0.2)


daemon(keep_stdout=False)
daemon(keep_stdout=True)
print("daemons started", flush=True)
sys.exit(0)
