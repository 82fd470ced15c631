// x86_64 entry stack: as if the entry had been called, rsp = mem - 8.
package spt

const stackOffset = 8
