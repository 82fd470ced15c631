#!/bin/sh
# check-layout.sh: checks that guest images have the Solo5 spt image layout (readelf + od).
# Usage: [TARGET=spt|hvt] check-layout.sh IMAGE...
# Prints one line per failed check; exits 1 if any failed.
set -u
case "${TARGET:-spt}" in
    spt) abi=02000000 ;;
    hvt) abi=01000000 ;;
    *) echo "check-layout: TARGET must be spt or hvt" >&2; exit 2 ;;
esac
fail=0
bad() { echo "check-layout: $img: $*"; fail=1; }

for img in "$@"; do
    [ -f "$img" ] || { bad "missing"; continue; }
    hdr=$(readelf -hW "$img") || { bad "not an ELF file"; continue; }
    echo "$hdr" | grep -q 'Type: *EXEC' || bad "not ET_EXEC"
    phdrs=$(readelf -lW "$img")
    echo "$phdrs" | grep -q 'Requesting program interpreter: /nonexistent/solo5/\]' \
        || bad "no PT_INTERP /nonexistent/solo5/"
    [ "$(echo "$phdrs" | grep -c '^ *NOTE ')" = 3 ] || bad "not exactly 3 PT_NOTE"
    [ "$(echo "$phdrs" | grep -c '^ *TLS ')" = 1 ] || bad "no PT_TLS"
    # PT_LOAD: Offset VirtAddr PhysAddr FileSiz MemSiz Flags... Align
    loads=$(echo "$phdrs" | awk '$1 == "LOAD" { flags = ""; for (i = 7; i < NF; i++) flags = flags $i; print $3, $5, flags, $NF }')
    last=""
    echo "$loads" | {
        rc=0
        while read -r vaddr filesz flags align; do
            last="$filesz $flags"
            [ "$align" = 0x1000 ] || { echo "check-layout: $img: PT_LOAD $vaddr align $align"; rc=1; }
            [ $((filesz)) -eq 0 ] && continue
            [ $((vaddr)) -ge $((0x100000)) ] || { echo "check-layout: $img: PT_LOAD below 0x100000"; rc=1; }
            [ $((vaddr % 0x1000)) -eq 0 ] || { echo "check-layout: $img: PT_LOAD $vaddr not page aligned"; rc=1; }
            case "$flags" in *W*E*) echo "check-layout: $img: PT_LOAD $vaddr is W+X"; rc=1 ;; esac
        done
        case "$last" in "0x000000 RW") ;; *) echo "check-layout: $img: last PT_LOAD (bss) is '$last', want filesz 0 RW"; rc=1 ;; esac
        exit $rc
    } || fail=1
    notes=$(readelf -nW "$img" 2>/dev/null | awk '/^ +[A-Za-z0-9]+ +0x/ { print $1, $2, $3, $4, $5, $6 }')
    echo "$notes" | sed -n 1p | grep -q '^OpenBSD 0x00000004 NT_VERSION' || bad "first note is not the OpenBSD NT_VERSION note"
    echo "$notes" | sed -n 2p | grep -q '^Solo5 0x00000010 Unknown note type: (0x31494241)' || bad "second note is not ABI1"
    readelf -x .note.solo5.abi "$img" | grep -q "$abi 02000000" || bad "ABI1 note is not target ${TARGET:-spt}, version 2"
    # The manifest note: descsz = 4 (padding) + 8 + 104 * entries, version 1, 1..64 entries.
    off=$(echo "$phdrs" | awk '$1 == "NOTE" { n++; if (n == 3) print $2 }')
    [ -n "$off" ] || continue
    u32() { od -An -tu4 -j $(($1)) -N4 "$img" | tr -d ' '; }
    type=$(u32 "$off + 8"); descsz=$(u32 "$off + 4"); version=$(u32 "$off + 24"); entries=$(u32 "$off + 28")
    [ "$type" = $((0x3154464d)) ] || { bad "third note is not MFT1"; continue; }
    [ "$version" = 1 ] || bad "manifest version $version"
    [ "$entries" -ge 1 ] && [ "$entries" -le 64 ] || bad "manifest has $entries entries"
    [ "$descsz" = $((12 + 104 * entries)) ] || bad "manifest descsz $descsz for $entries entries"
    [ "$(u32 "$off + 32 + 68")" = $((1 << 30)) ] || bad "manifest entry 0 is not MFT_RESERVED_FIRST"
done
exit $fail
