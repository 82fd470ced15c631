// aarch64 hypercalls arrive as MMIO exits.
package hvt

var decodeExit = decodeMMIO
