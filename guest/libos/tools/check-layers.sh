#!/bin/bash
# check-layers.sh: fails when an object of a lower libOS layer uses a symbol defined in a
# higher one (dependencies point down only; README "Layout"). Reads `nm` of the built
# objects: check-layers.sh BUILD_DIR OBJECT... (the Makefile runs it on every link).
set -euo pipefail
build=${1:?usage: check-layers.sh BUILD_DIR OBJECT...}
shift
NM=${NM:-nm}
# Layers, lowest first. core/main.o is the boot code that wires everything: it sits on top.
layers=(bindings arch core mm sched signal fd ipc fs net exec sys boot)
rank_of() {
    local i
    for i in "${!layers[@]}"; do [[ ${layers[$i]} == "$1" ]] && { echo "$i"; return; }; done
    echo "check-layers: unknown layer $1" >&2; exit 2
}
layer_of_obj() {
    local rel=${1#"$build"/}
    case $rel in
        core/main.o) echo boot ;;
        manifest.o) echo bindings ;;
        */*) echo "${rel%%/*}" ;;
        *) echo "check-layers: object outside a layer: $rel" >&2; exit 2 ;;
    esac
}
declare -A def
objs=("$@")
for o in "${objs[@]}"; do
    l=$(layer_of_obj "$o")
    while read -r sym; do def[$sym]=$l; done < <($NM --defined-only -g "$o" | awk '{print $3}')
done
bad=0
for o in "${objs[@]}"; do
    l=$(layer_of_obj "$o"); r=$(rank_of "$l")
    while read -r sym; do
        dl=${def[$sym]:-}
        [[ -z $dl ]] && continue # libgcc, linker symbols
        [[ $sym == solo5_app_main ]] && continue # the bindings' entry calls the app by contract
        if (( $(rank_of "$dl") > r )); then
            echo "check-layers: ${o#"$build"/} ($l) uses $sym from the higher layer $dl"
            bad=1
        fi
    done < <($NM --undefined-only "$o" | awk '{print $2}')
done
if (( bad )); then exit 1; fi
echo "check-layers: $build: every dependency points down"
