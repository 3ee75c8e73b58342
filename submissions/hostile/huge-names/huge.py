import os
import subprocess
import sys


def attempt(name, action):
    try:
        action()
        print("ok %s" % name)
    except OSError as e:
        print("refused %s: %s" % (name, e.strerror))


def run(argv, env=None):
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)


def deep_tree(top):
    # relative steps, so that no single call sees a path longer than PATH_MAX
    fd = os.open(top, os.O_RDONLY)
    name = "d" * 200
    for _ in range(40):  # 40 * 201 bytes: past PATH_MAX (4096)
        os.mkdir(name, dir_fd=fd)
        child = os.open(name, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
    with open(os.open("leaf", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w") as f:
        f.write("deep\n")
    os.close(fd)


evidence = os.path.dirname(os.environ["RT_TRACE_FILE"])
attempt("argv past ARG_MAX", lambda: run(["/bin/true"] + ["a" * 100000] * 64))
attempt("argument past MAX_ARG_STRLEN", lambda: run(["/bin/true", "a" * 200000]))
attempt("environment past ARG_MAX", lambda: run(["/bin/true"], {"X%d" % i: "v" * 100000 for i in range(64)}))
attempt("file name of 255 bytes", lambda: open("n" * 255, "w").close())
attempt("file name of 256 bytes", lambda: open("n" * 256, "w").close())
attempt("deep tree in the working copy", lambda: deep_tree("."))
attempt("deep tree in the evidence directory", lambda: deep_tree(evidence))
attempt("a name that is not UTF-8", lambda: open(os.fsencode(evidence) + b"/\xff\xfe-bad\nname", "w").close())
sys.stdout.write("x" * (8 << 20))
sys.stdout.write("\n")
