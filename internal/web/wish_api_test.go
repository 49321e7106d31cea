package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

// Posting and supporting wishes over the API follows the form's rules:
// only a verified resident of the wijk, fields named in errors, the daily
// limit per resident, cross-site requests refused; supporting twice (also
// at once) is one support.
func TestWishAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		base := e.srv.URL + "/api/v1/wijken/WK011901/wensen"
		anna := storetest.Resident(t, st, "WK011901", "Anna")
		bram := storetest.Resident(t, st, "WK011901", "Bram")
		piet := storetest.Resident(t, st, "WK011902", "Piet")
		login := func(email string) *http.Client {
			c := e.browser()
			e.login(c, email, storetest.ResidentPassword)
			return c
		}
		ca, cb, cp := login(anna.Email), login(bram.Email), login(piet.Email)
		wish := `{"titel":"Watertappunt in het park","tekst":"Een watertappunt bij de speeltuin, voor kinderen en sporters.","onderwerp":"groen"}`

		if code, _ := apiWith(t, e.browser(), "POST", base, wish); code != 401 {
			t.Fatalf("anonymous: %d", code)
		}
		if code, _ := apiWith(t, cp, "POST", base, wish); code != 403 {
			t.Fatalf("resident of another wijk: %d", code)
		}
		code, body := apiWith(t, ca, "POST", base, `{"titel":"Wat","tekst":"","onderwerp":"ufo","lat":52.7}`)
		if code != 422 || !strings.Contains(body, `"plek"`) {
			t.Fatalf("half a place: %d %s", code, body)
		}
		code, body = apiWith(t, ca, "POST", base, `{"titel":"Wat","tekst":"","onderwerp":"ufo"}`)
		if code != 422 || !strings.Contains(body, `"titel"`) || !strings.Contains(body, `"tekst"`) || !strings.Contains(body, `"categorie"`) {
			t.Fatalf("bad wish: %d %s", code, body)
		}
		code, body = apiWith(t, ca, "POST", base, `{"titel":"Bankjes op de Dam","tekst":"Een plek buiten de wijk, in Amsterdam.","onderwerp":"groen","lat":52.373,"lon":4.893}`)
		if code != 422 || !strings.Contains(body, `"plek"`) {
			t.Fatalf("place outside the wijk: %d %s", code, body)
		}
		if n, _ := st.WishCounts(ctx, "WK011901"); n.Wishes != 0 {
			t.Fatalf("a refused wish was saved: %+v", n)
		}
		code, body = apiWith(t, ca, "POST", base, wish)
		var created struct {
			ID, Titel, Status, Door string
		}
		if code != 201 || json.Unmarshal([]byte(body), &created) != nil || created.ID == "" || created.Titel != "Watertappunt in het park" || created.Door != "Anna" {
			t.Fatalf("post: %d %s", code, body)
		}
		if code, body := e.api("GET", "/api/v1/wijken/WK011901/wensen", "", ""); code != 200 || !strings.Contains(body, created.ID) {
			t.Fatalf("public list: %d %s", code, body)
		}

		// A cross-site request is refused, even with the resident's session.
		req, _ := http.NewRequest("POST", base, strings.NewReader(wish))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err := ca.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 403 {
			t.Fatalf("cross-site post: %d", res.StatusCode)
		}

		// Support: many at once and again later leave one support.
		steun := base + "/" + created.ID + "/steun"
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					code, body := apiWith(t, cb, "POST", steun, "")
					if code == 503 {
						continue
					}
					if code != 200 || !strings.Contains(body, `"gesteund":true`) {
						t.Errorf("support: %d %s", code, body)
					}
					return
				}
			}()
		}
		wg.Wait()
		code, body = apiWith(t, cb, "POST", steun, "")
		if code != 200 || body != `{"gesteund":true,"steun":1}`+"\n" {
			t.Fatalf("support again: %d %q", code, body)
		}
		if n, _ := st.WishCounts(ctx, "WK011901"); n.Supports != 1 {
			t.Fatalf("supports stored: %+v", n)
		}
		if code, _ := apiWith(t, cp, "POST", steun, ""); code != 403 {
			t.Fatalf("support from another wijk: %d", code)
		}
		if code, _ := apiWith(t, cb, "POST", e.srv.URL+"/api/v1/wijken/WK011902/wensen/"+created.ID+"/steun", ""); code != 404 {
			t.Fatalf("support under the wrong wijk: %d", code)
		}
		if code, body := apiWith(t, cb, "DELETE", steun, ""); code != 200 || body != `{"gesteund":false,"steun":0}`+"\n" {
			t.Fatalf("withdraw: %d %q", code, body)
		}

		// The daily limit per resident holds over the API too.
		for i := 1; i < 5; i++ {
			w := fmt.Sprintf(`{"titel":"Wens nummer %d","tekst":"Nog een wens voor de wijk, met genoeg tekst.","onderwerp":"overig"}`, i)
			if code, body := apiWith(t, ca, "POST", base, w); code != 201 {
				t.Fatalf("wish %d: %d %s", i+1, code, body)
			}
		}
		if code, body := apiWith(t, ca, "POST", base, wish); code != 429 || !strings.Contains(body, "vandaag al 5 wensen") {
			t.Fatalf("sixth wish of the day: %d %s", code, body)
		}
	})
}
