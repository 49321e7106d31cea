package store_test

import (
	"encoding/json"
	"strings"
	"testing"

	"naober.nl/naober/internal/participation"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// A resident's wish and support show in their download; after they delete
// the account the wish stays, without them.
func TestResidentDownloadAndDeleteWithWishes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		anna := storetest.Resident(t, s, "WK011901", "Anna")
		bert := storetest.Resident(t, s, "WK011901", "Bert")
		w := &participation.Wish{Wijk: "WK011901", Title: "Bankjes in het park", Text: "Graag een paar bankjes bij de vijver voor ouderen.", Category: "groen"}
		if err := s.CreateWish(ctx, anna, w, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.SupportWish(ctx, bert, w.ID); err != nil {
			t.Fatal(err)
		}
		ex, err := s.ExportResident(ctx, anna.UserID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(ex)
		if !strings.Contains(string(b), "Bankjes in het park") || !strings.Contains(string(b), `"gevolgde_wensen":[{`) {
			t.Fatalf("export %s", b)
		}
		ex, err = s.ExportResident(ctx, bert.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(ex.Parts["wensen"]); !strings.Contains(string(b), `"gesteunde_wensen":[{"id":"`+w.ID) {
			t.Fatalf("bert's supports %s", b)
		}
		if err := s.DeleteResident(ctx, anna.UserID); err != nil {
			t.Fatal(err)
		}
		ws, err := s.Wishes(ctx, "WK011901", store.WishFilter{})
		if err != nil || len(ws) != 1 || ws[0].AuthorID != "" || ws[0].Supports != 1 {
			t.Fatalf("wish after delete: %+v %v", ws, err)
		}
	})
}
