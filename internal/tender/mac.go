// MAC addresses: parsing --net-mac values and making random ones.
package tender

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ParseMAC reads xx:xx:xx:xx:xx:xx (hex, one or two digits per octet, as
// upstream's sscanf does) and refuses multicast addresses, which no NIC may own.
func ParseMAC(s string) ([6]byte, error) {
	var mac [6]byte
	parts := strings.Split(s, ":")
	if len(parts) != 6 {
		return mac, fmt.Errorf("MAC '%s' is not of the form xx:xx:xx:xx:xx:xx", s)
	}
	for i, p := range parts {
		if len(p) < 1 || len(p) > 2 {
			return mac, fmt.Errorf("MAC '%s' is not of the form xx:xx:xx:xx:xx:xx", s)
		}
		v, err := strconv.ParseUint(p, 16, 8)
		if err != nil {
			return mac, fmt.Errorf("MAC '%s' has a non-hex octet '%s'", s, p)
		}
		mac[i] = byte(v)
	}
	if mac[0]&1 != 0 {
		return mac, fmt.Errorf("MAC '%s' is a multicast address", s)
	}
	return mac, nil
}

// FormatMAC prints mac the way ParseMAC reads it.
func FormatMAC(mac [6]byte) string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5])
}

// RandomMAC returns a random locally administered unicast address.
func RandomMAC() ([6]byte, error) {
	var mac [6]byte
	if n, err := unix.Getrandom(mac[:], 0); err != nil || n != len(mac) {
		return mac, fmt.Errorf("getrandom for a MAC address: %v", err)
	}
	mac[0] = mac[0]&0xfe | 0x02
	return mac, nil
}
