// Package libos runs unmodified static Linux binaries (Go CGO_ENABLED=0, musl -static) as spt
// unikernels through the library OS and compares each run with the same binary run natively.
//
// Needs: bin/nabla-spt built with the libOS policy wired in (NABLA_SPT overrides the path),
// guest/libos/build/<arch>/libos.spt (NABLA_LIBOS_DIR overrides the directory), go, and
// musl-gcc (Debian musl-tools) for the C apps. A missing piece fails the test with a message.
package libos
