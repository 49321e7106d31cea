package store

import "database/sql/driver"

var driverBadConn = driver.ErrBadConn
