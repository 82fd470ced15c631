// Package rootfs turns a bundle's rootfs directory into the read-only disk image the
// unikernel sees as its block device "rootfs", cached by content.
//
// Format: POSIX ustar (PAX records only for names or sizes ustar cannot hold). Why:
// every header and every file's data starts on a 512-byte boundary, which is the
// Solo5 block size, so freestanding guest code can find a file by reading one sector
// at a time and then read its contents straight into place with block reads, with no
// allocator, no tree structures and about fifty lines of C (parse the octal size field,
// skip ceil(size/512) sectors). The image is read-only, matching the original runnc's
// read-only cd9660 mount, and writes in the guest go to memory. ISO 9660 or ext2 would
// need directory and inode tables in the guest; tar needs only a linear scan.
package rootfs
