// x86_64 hypercalls arrive as port I/O exits.
package hvt

var decodeExit = decodePIO
