// Package libos runs unmodified static Linux binaries (Go CGO_ENABLED=0, musl -static) as spt
// unikernels through the library OS and compares each run with the same binary run natively.
//
// Needs: bin/nabla-spt built with the libOS policy wired in (NABLA_SPT overrides the path),
// guest/libos/build/<arch>/libos.spt (NABLA_LIBOS_DIR overrides the build directory), go, and
// musl-gcc (Debian musl-tools) for the C apps. A missing piece fails the test with a message.
// NABLA_LIBOS_APPS names a directory of prebuilt apps instead (the aarch64 VM has no
// compilers: vm-prepare.sh makes it); NABLA_LIBOS_MEM sets the guest memory in MiB.
//
// The file tests (fs_test.go, busybox_test.go; harness in rootfs_test.go, chroot_test.go)
// build a rootfs tree (internal/fstree: 3,000 files, symlinks, hard links, odd names; the
// apps and Debian's busybox-static, fetched by fetch-busybox.sh, in /bin), run each app
// natively in a chroot of a private copy (needs root: a private mount namespace with /proc,
// /dev and the volumes bound in) and as `nabla run --rootfs=TREE` (NABLA_BIN names the
// directory of nabla), and compare stdout, stderr and status.
//
// `go test -bench . ./tests/libos` compares run times (SHA-256 over 200 MB, goroutine
// ping-pong, hello start-up) and reports speed-vs-native.
package libos
