# PID 1 (the sandbox's runner), then every PID it can see or guess (the mock started before
# the command: a small PID of the namespace), but itself and its own parent shell.
kill -9 1 2>/dev/null && echo "ALLOWED kill 1" || echo "refused kill 1"
pid=2
while [ $pid -lt 64 ]; do
    if [ $pid -ne $$ ] && [ $pid -ne "$PPID" ] && kill -9 $pid 2>/dev/null; then
        echo "ALLOWED kill $pid"
    fi
    pid=$((pid + 1))
done
echo "now kill -9 -1"
kill -9 -1
echo "still alive after kill -9 -1"
