package redistest

import "strings"

// NumSlots is the number of hash slots in a Redis Cluster.
const NumSlots = 16384

// Slot returns the cluster hash slot of key exactly as Redis computes it:
// CRC16-XMODEM of the key modulo 16384, where a non-empty "{...}" hash tag
// (the text between the first '{' and the first '}' after it) replaces the
// whole key so related keys can be forced into the same slot.
func Slot(key string) uint16 {
	if open := strings.IndexByte(key, '{'); open >= 0 {
		if n := strings.IndexByte(key[open+1:], '}'); n > 0 {
			key = key[open+1 : open+1+n]
		}
	}
	return crc16(key) % NumSlots
}

// crc16 is CRC16-XMODEM (poly 0x1021, init 0, no reflection), the variant
// Redis Cluster uses. Bitwise rather than table-driven: keys in tests are
// short and this keeps the code obviously correct.
func crc16(s string) uint16 {
	var crc uint16
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
