//go:build istd_write

package app

import "naober.nl/naober/internal/exchange/istd"

func init() { writeAllocation = istd.WriteAllocation }
