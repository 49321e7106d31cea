//go:build istd_write

package web

import "naober.nl/naober/internal/exchange/istd"

func init() { writeAllocation = istd.WriteAllocation }
