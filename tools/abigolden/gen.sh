#!/bin/sh
# gen.sh: regenerates abi/testdata/layout_{x86_64,aarch64}.txt from guest/include.
# x86_64 is compiled natively (or with x86_64-linux-gnu-gcc + qemu-x86_64-static on
# another host); aarch64 with aarch64-linux-gnu-gcc -static run under qemu-aarch64-static.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/abi/testdata}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

host=$(uname -m)
for arch in x86_64 aarch64; do
	if [ "$arch" = "$host" ]; then
		cc=${CC:-gcc}
		run=
	else
		cc=$arch-linux-gnu-gcc
		run=qemu-$arch-static
	fi
	"$cc" -static -O0 -Wall -Werror -I"$root/guest/include" -o "$tmp/layout_$arch" "$here/layout.c"
	$run "$tmp/layout_$arch" >"$out/layout_$arch.txt"
	echo "wrote $out/layout_$arch.txt"
done
