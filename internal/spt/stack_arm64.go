// aarch64 entry stack: sp = mem - 16, keeping the 16-byte alignment the ABI requires.
package spt

const stackOffset = 16
