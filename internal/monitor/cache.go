package monitor

import (
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// unionCache keeps period unions of whole indicators (and of cost groups)
// over the full ordinal range: the same periods are asked for over and over
// (the last 12 months, this year), and a union over many months is most of a
// query's work. Entries are read-only once stored. ReplaceHousehold clears
// it.
type unionCache struct {
	mu    sync.Mutex
	m     map[string]*roaring.Bitmap
	bytes int64
}

// cacheBudget bounds the cache; when full it starts over (simple, and the
// working set of a dashboard is far smaller).
const cacheBudget = 192 << 20

func (c *unionCache) get(k string) *roaring.Bitmap {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *unionCache) put(k string, bm *roaring.Bitmap) {
	sz := int64(bm.GetSizeInBytes())
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.bytes+sz > cacheBudget {
		c.m = map[string]*roaring.Bitmap{}
		c.bytes = 0
	}
	if _, ok := c.m[k]; !ok {
		c.m[k] = bm
		c.bytes += sz
	}
}

func (c *unionCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
	c.bytes = 0
}

func (c *unionCache) size() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}
