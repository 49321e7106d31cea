package web

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func waitGone(t *testing.T, path string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(path); os.IsNotExist(err) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s is still there", filepath.Base(path))
}

func writeAged(t *testing.T, path string, age time.Duration) {
	t.Helper()
	if err := os.WriteFile(path, []byte("BSN;Naam\n999990019;Smit\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-age)
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
}

// Expired uploads go at start and on a ticker, without a new upload; fresh
// ones stay. The configured directory stays when housekeeping stops.
func TestUploadSweepExpired(t *testing.T) {
	old := uploadSweepEvery
	uploadSweepEvery = 20 * time.Millisecond
	defer func() { uploadSweepEvery = old }()
	s := &Server{UploadDir: filepath.Join(t.TempDir(), "uploads")}
	dir, err := s.uploadDir()
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("upload directory: %v %v", st.Mode(), err)
	}
	writeAged(t, filepath.Join(dir, "a.data"), 2*time.Hour)
	writeAged(t, filepath.Join(dir, "a.json"), 2*time.Hour)
	writeAged(t, filepath.Join(dir, "b.data"), time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Housekeep(ctx) }()
	waitGone(t, filepath.Join(dir, "a.data"))
	waitGone(t, filepath.Join(dir, "a.json"))
	// Later: an upload that expires while the server runs.
	writeAged(t, filepath.Join(dir, "c.data"), sheetUploadTTL+time.Minute)
	waitGone(t, filepath.Join(dir, "c.data"))
	if _, err := os.Stat(filepath.Join(dir, "b.data")); err != nil {
		t.Fatalf("a fresh upload went: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "b.data")); err != nil {
		t.Fatal("the configured upload directory was emptied at shutdown")
	}
}

// Without an UploadDir the server makes a private temporary directory and
// removes it, with what is in it, when housekeeping stops.
func TestUploadTempDirRemovedAtShutdown(t *testing.T) {
	s := &Server{}
	dir, err := s.uploadDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("temporary upload directory: %v %v", st.Mode(), err)
	}
	if again, _ := s.uploadDir(); again != dir {
		t.Fatal("a second directory")
	}
	writeAged(t, filepath.Join(dir, "a.data"), time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Housekeep(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the temporary upload directory stays: %v", err)
	}
}

// A directory others can read is refused.
func TestUploadDirOpenToOthersRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "uploads")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	if _, err := (&Server{UploadDir: dir}).uploadDir(); err == nil {
		t.Fatal("an upload directory open to others is used")
	}
}
