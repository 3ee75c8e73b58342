# Writes 1 GiB into its working copy, 1 MiB at a time: the build's disk budget ends it.
i=0
while [ $i -lt 1024 ]; do
    if ! head -c 1048576 /dev/zero >> filler 2>/dev/null; then
        echo "build wrote $i MiB, then: no space left" >&2
        exit 1
    fi
    i=$((i + 1))
done
echo "no limit met after $i MiB" >&2
