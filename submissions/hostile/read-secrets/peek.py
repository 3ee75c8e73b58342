import glob
import os

run = os.path.dirname(os.environ["HOME"])  # HOME is RUN/home
targets = [
    run + "/spec.json",
    run + "/outcome.json",
    run + "/scenario.yaml",
    run + "/supervisor.log",
    run + "/mock.log",
    run + "/mock/scenario.yaml",
    run + "/mock/journal.json",
    "/root/.cache/takehome-grader",
    "/etc/shadow",
    "/proc/1/cmdline",
    "/proc/1/environ",
]
if os.path.exists("targets.txt"):
    targets = [t for t in open("targets.txt").read().split("\n") if t] + targets


def owner(path):
    try:
        return os.stat(path).st_uid
    except OSError:
        return os.getuid()  # gone already


others = [p for p in glob.glob("/proc/[0-9]*") if owner(p) != os.getuid()]
targets += [p + "/cmdline" for p in others] + [p + "/environ" for p in others]

for t in targets:
    try:
        if os.path.isdir(t):
            os.listdir(t)
        else:
            with open(t, "rb") as f:
                f.read(64)
        print("READABLE %s" % t)
    except OSError as e:
        print("refused %s: %s" % (t, e.strerror))
print("root holds: %s" % " ".join(sorted(os.listdir("/"))))
print("processes of other users seen: %d" % len(others))
