package rt

import (
	"slices"
	"strings"
)

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

// SlotMask keeps the slot bits of a slot.
const SlotMask = slotMask

// HasHashTag reports whether key has a complete, non-empty hash tag: a '{'
// followed later by a '}' with something between the first two.
func HasHashTag(key string) bool {
	start := strings.IndexByte(key, '{')
	return start >= 0 && strings.IndexByte(key[start+1:], '}') > 0
}

// CheckPrefixes proves that every key prefix of a call of s has a complete,
// non-empty hash tag in the slot of the call's keys (keySlot, when it has
// keys) or, without keys, in the slot of its first prefix. ka is the call's
// nkeys keys then its args.
func CheckPrefixes(s *Script, ka []string, nkeys, keySlot int) error {
	want, key, param := -1, "", ""
	if nkeys > 0 {
		want, key = keySlot, ka[0]
	}
	for _, p := range s.prefixes {
		v := ka[p.at(nkeys)]
		if !HasHashTag(v) {
			return &PrefixError{Script: s.name, Param: p.Param, Prefix: v, Slot: -1, Want: want, Key: key, WantParam: param}
		}
		slot := int(Slot(v))
		switch {
		case want < 0:
			want, param = slot, p.Param
		case slot != want:
			return &PrefixError{Script: s.name, Param: p.Param, Prefix: v, Slot: slot, Want: want, Key: key, WantParam: param}
		}
	}
	return nil
}

// CheckSlots is the client-side slot check of a call of s: ka is its nkeys
// keys then its args, first the slot of its first key (already hashed by
// the caller's command builder; any value when nkeys is 0). It returns a
// *CrossSlotError when the keys are in different slots, a *PrefixError when
// a key prefix's hash tag does not put the keys built from it in the call's
// slot. Prefixes are checked first: for a key that is also a prefix, the
// error that names the param is the more useful one.
func CheckSlots(s *Script, ka []string, nkeys int, first uint16) error {
	if len(s.prefixes) > 0 {
		if err := CheckPrefixes(s, ka, nkeys, int(first)); err != nil {
			return err
		}
	}
	if nkeys > 1 {
		for _, k := range ka[1:nkeys] {
			if Slot(k) != first {
				return NewCrossSlotError(s, slices.Clone(ka[:nkeys]))
			}
		}
	}
	return nil
}
