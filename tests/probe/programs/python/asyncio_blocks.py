# Python asyncio: blocking calls inside coroutines block the event loop; asyncio.sleep and
# work handed to an executor do not, nor does code before or after asyncio.run
# (tests/probe/script_runtimes_test.cpp).
#   python3 asyncio_blocks.py DATA_FILE
import asyncio
import sys
import time


async def nap():
    await asyncio.sleep(0.005)
    time.sleep(0.02)  # probe: blocks


async def read_jobs(path):
    await asyncio.sleep(0.005)
    with open(path) as f:  # probe: blocks
        return len(f.read())  # probe: blocks


async def polite():
    await asyncio.sleep(0.02)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, time.sleep, 0.02)


async def main(path):
    results = await asyncio.gather(nap(), read_jobs(path), polite())
    print(results[1])


time.sleep(0.005)
asyncio.run(main(sys.argv[1]))
time.sleep(0.005)
