package core

import "strings"

// Slot returns the Redis Cluster hash slot of key: CRC16 (XMODEM) of the key,
// or of the part between the first '{' and the next '}' when that part is not
// empty, modulo 16384.
func Slot(key string) uint16 {
	if start := strings.IndexByte(key, '{'); start >= 0 {
		if end := strings.IndexByte(key[start+1:], '}'); end > 0 {
			key = key[start+1 : start+1+end]
		}
	}
	return crc16(key) & slotMask
}

// crc16 is CRC16-XMODEM (polynomial 0x1021, initial 0), as in Redis's crc16.c.
func crc16(s string) uint16 {
	var crc uint16
	for i := 0; i < len(s); i++ {
		crc = crc<<8 ^ crc16Table[byte(crc>>8)^s[i]]
	}
	return crc
}

var crc16Table = func() (t [256]uint16) {
	for i := range t {
		crc := uint16(i) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
		t[i] = crc
	}
	return t
}()

// slotMask keeps the slot bits of a slot (Redis Cluster has 16384 slots).
const slotMask = 16383
