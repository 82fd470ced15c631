#!/bin/bash
# served-calls.sh: prints the README's served-calls table from the syscall table entries of
# the C sources, in table order (paste it between the README's served-calls markers;
# tests/libos TestServedCallsDocumented fails when the two disagree).
set -euo pipefail
cd "$(dirname "$0")/.."
echo '| call | support |'
echo '|---|---|'
for f in fd/fdio.c fd/epoll.c fd/poll.c ipc/pipe.c ipc/eventfd.c mm/*.c sys/sys_mm.c sys/sys_thread.c \
         sys/sys_time.c sys/sys_signal.c sys/sys_proc.c sys/sys_misc.c sys/sys_exec.c sys/sys_child.c sys/sys_fs*.c fs/*.c sys/sys_net*.c; do
    [[ -f $f ]] || continue
    sed -n 's/^ *{ NR_\([a-z0-9_]*\), "\([a-z0-9_]*\)", [a-z0-9_]*, [A-Z_0-9|]*, "\(\([^"\\]\|\\.\)*\)" },.*/| `\2` | \3 |/p' "$f"
done | awk '!seen[$0]++'
