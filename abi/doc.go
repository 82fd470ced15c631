// Package abi mirrors the Solo5 ABI (v0.12.1, ABI version 2) as Go constants and structs.
//
// It holds data only: no system calls and no behaviour. The struct layouts match the C
// headers in guest/include on both x86_64 and aarch64 (LP64); layout_unsafe_test.go pins
// every size and offset against golden output produced by tools/abigolden.
package abi
