//go:build unix

package web

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// ownedByMe refuses a directory of another user: uploads hold personal
// data, and another user's directory could be read or emptied by them.
func ownedByMe(st fs.FileInfo) error {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Getuid(); int(sys.Uid) != uid {
		return fmt.Errorf("belongs to user %d, not to this process's user %d", sys.Uid, uid)
	}
	return nil
}
