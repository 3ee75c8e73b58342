import os
import signal
import time

for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1):
    signal.signal(sig, signal.SIG_IGN)
os.fork()  # both the parent and the child ignore them
print("ignoring SIGTERM", flush=True)
while True:
    time.sleep(1)
