grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):' /proc/self/status
attempt() {
    name=$1
    shift
    if "$@" >/dev/null 2>&1; then echo "ALLOWED $name"; else echo "refused $name"; fi
}
# host paths from the test (one per line: "read PATH", "write PATH" or "port N")
if [ -f targets.txt ]; then
    while read -r what arg; do
        case $what in
        read) attempt "read $arg" cat "$arg" ;;
        write) attempt "write $arg" sh -c "mkdir -p \"\$(dirname '$arg')\" && echo pwned > '$arg'" ;;
        port) attempt "connect 127.0.0.1:$arg" python3 -c "import socket; socket.create_connection(('127.0.0.1', $arg), 1)" ;;
        esac
    done < targets.txt
fi
# its own /tmp (a private tmpfs): allowed, and must not be the host's
echo pwned > /tmp/tg-hostile-build-escape && echo "wrote its /tmp"
attempt "write the cache" sh -c 'mkdir -p /root/.cache/takehome-grader && echo pwned > /root/.cache/takehome-grader/tg-hostile'
attempt "write the toolchain" sh -c 'echo pwned > "$(dirname "$(command -v cargo || echo /root/.cargo/bin/x)")/tg-hostile"'
attempt "unshare -U" unshare -U true
attempt "mount tmpfs" mount -t tmpfs none /tmp
attempt "strace" strace -f -o /dev/null true
attempt "keyctl" python3 -c "import ctypes,sys; sys.exit(ctypes.CDLL(None).syscall(250, 0, -3, 1) < 0)"
# a daemon meant to outlive the build (and to tamper with the working copy the run uses)
setsid sh -c 'while :; do echo tampered > tampered.txt; sleep 0.2; done' >/dev/null 2>&1 < /dev/null &
echo "build done"
