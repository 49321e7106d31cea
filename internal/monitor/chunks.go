package monitor

// chunks is an append-only list in fixed-size chunks: a national Builder
// holds tens of millions of facts and costs, and growing one slice would
// copy them again and again.
type chunks[T any] struct {
	c [][]T
	n int
}

const chunkBits = 20

// begin makes room for n items in one chunk and returns the index the next
// push gets; a run of n pushes stays in one chunk, so slice can return it.
func (s *chunks[T]) begin(n int) uint32 {
	if k := len(s.c); k == 0 || cap(s.c[k-1])-len(s.c[k-1]) < n {
		s.c = append(s.c, make([]T, 0, max(1<<chunkBits, n)))
	}
	k := len(s.c) - 1
	return uint32(k)<<chunkBits | uint32(len(s.c[k]))
}

func (s *chunks[T]) push(v T) {
	k := len(s.c) - 1
	s.c[k] = append(s.c[k], v)
	s.n++
}

// slice is the run of items from a (as begin returned) to b.
func (s *chunks[T]) slice(a, b uint32) []T {
	if a == b {
		return nil
	}
	c := s.c[a>>chunkBits]
	off := a & (1<<chunkBits - 1)
	return c[off : off+(b-a)]
}

func (s *chunks[T]) at(i int) *T { return &s.c[i>>chunkBits][i&(1<<chunkBits-1)] }

func (s *chunks[T]) len() int { return s.n }

// each calls f for every item in order.
func (s *chunks[T]) each(f func(*T)) {
	for _, c := range s.c {
		for i := range c {
			f(&c[i])
		}
	}
}
