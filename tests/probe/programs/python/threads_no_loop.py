# Python threads with blocking sleeps and file reads, and no event loop: nothing here runs in
# async context, so nothing is reported (tests/probe/script_runtimes_test.cpp).
#   python3 threads_no_loop.py DATA_FILE
import sys
import threading
import time


def worker(path):
    time.sleep(0.01)
    with open(path) as f:
        f.read()


threads = [threading.Thread(target=worker, args=(sys.argv[1],)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("done")
