package monitor

// Record keys. A cell key is the XOR of the record keys of the persons (or
// households) in a cell, so it depends only on who is in the cell, never on
// how the cell was asked for. A record key is a keyed hash of the source id
// (not the ordinal), so every rebuild and every process that shares the
// secret gives the same key.

// mix64 is the murmur3 finaliser: a cheap bijective mixer.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// deriveKeys splits the secret into the constants of the two keyed hashes.
func deriveKeys(secret uint64) (pa, pb, ha, hb uint64) {
	pa = mix64(secret ^ 0x9e3779b97f4a7c15)
	pb = mix64(pa + 0x632be59bd9b4e019)
	ha = mix64(pb ^ 0x85ebca6b0c2b2ae3)
	hb = mix64(ha + 0xc2b2ae3d27d4eb4f)
	return
}

// keyOf is the record key of a source id under derived keys a and b. Two
// rounds with secret material in between: without the secret, keys of known
// ids cannot be predicted.
func keyOf(id, a, b uint64) uint64 {
	return mix64(mix64(id^a) + b)
}

func (ix *Index) personKey(ord uint32) uint64 { return ix.pkeys[ord] }
func (ix *Index) hhKey(ord uint32) uint64     { return ix.hkeys[ord] }

// setPerson and setHH record a source id and its record key; the keys are
// kept per ordinal because computing them is most of a cell key's cost.
func (ix *Index) setPerson(ord uint32, id uint64) {
	ix.personID.set(ord, id)
	ix.pkeys[ord] = 0
	if id != 0 {
		ix.pkeys[ord] = keyOf(id, ix.pkA, ix.pkB)
	}
}

func (ix *Index) setHH(ord uint32, id uint64) {
	ix.hhID.set(ord, id)
	ix.hkeys[ord] = 0
	if id != 0 {
		ix.hkeys[ord] = keyOf(id, ix.hkA, ix.hkB)
	}
}

// xorKeys XORs keys at ordinals vs into k.
func xorKeys(keys []uint64, vs []uint32, k uint64) uint64 {
	for _, v := range vs {
		k ^= keys[v]
	}
	return k
}

// ids holds source ids by ordinal: 4 bytes each while every id fits in 32
// bits (the national data's row numbers do), 8 otherwise.
type ids struct {
	u32 []uint32
	u64 []uint64
}

func newIDs(n int, wide bool) ids {
	if wide {
		return ids{u64: make([]uint64, n)}
	}
	return ids{u32: make([]uint32, n)}
}

func (d *ids) get(i uint32) uint64 {
	if d.u64 != nil {
		return d.u64[i]
	}
	return uint64(d.u32[i])
}

func (d *ids) set(i uint32, v uint64) {
	if d.u64 == nil && v > 0xffffffff {
		d.u64 = make([]uint64, len(d.u32))
		for k, x := range d.u32 {
			d.u64[k] = uint64(x)
		}
		d.u32 = nil
	}
	if d.u64 != nil {
		d.u64[i] = v
	} else {
		d.u32[i] = uint32(v)
	}
}

func (d *ids) len() int { return len(d.u32) + len(d.u64) }

func (d *ids) bytes() int64 { return int64(cap(d.u32))*4 + int64(cap(d.u64))*8 }
