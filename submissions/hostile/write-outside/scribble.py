import os

run = os.path.dirname(os.environ["HOME"])
targets = [
    "/tmp/tg-hostile-write-outside",
    "/root/.cache/takehome-grader/tg-hostile-write-outside",
    run + "/tg-hostile-write-outside",
    run + "/mock/journal.json",
    os.path.dirname(os.getcwd()) + "/tg-hostile-write-outside",
    "/etc/tg-hostile-write-outside",
    "/usr/tg-hostile-write-outside",
]
if os.path.exists("targets.txt"):
    targets = [t for t in open("targets.txt").read().split("\n") if t] + targets

for t in targets:
    try:
        os.makedirs(os.path.dirname(t), exist_ok=True)
        with open(t, "w") as f:
            f.write("written by a hostile submission\n")
        print("WROTE %s" % t)
    except OSError as e:
        print("refused %s: %s" % (t, e.strerror))
