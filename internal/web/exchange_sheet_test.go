package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

func shUpload(t *testing.T, c *http.Client, u string, fields map[string]string, file, content string) (int, string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, k := range []string{"gemeente", "soort", "bron", "proef", "vervang"} {
		if v, ok := fields[k]; ok {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("bestand", file)
	fw.Write([]byte(content))
	mw.Close()
	res, err := c.Post(u, mw.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(body)
}

func shPost(t *testing.T, c *http.Client, u string, v url.Values) (int, string) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestSpreadsheetImportPages(t *testing.T) {
	st := storetest.SQLite(t)
	e := newEnv(t, st)
	if err := st.PutPostcodeAreas(ctx, []store.PostcodeArea{{Postcode: "7941AC", HuisnummerVan: 1, HuisnummerTot: 99, Gemeente: "GM0119", Wijk: "WK011902"}}); err != nil {
		t.Fatal(err)
	}
	u, _ := st.UserByEmail(ctx, "regisseur@meppel.nl")
	reg := store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
	csvGood := "BSN;Voornaam;Achternaam;Geb.datum;Geslacht;Postcode;Huisnr\n999990032;Kees;Smit;01-01-1960;M;7941 AC;5\n999990044;Lies;Smit;1962-02-03;V;7941AC;5\n"

	// Only beheer may import.
	for _, who := range []string{"regisseur@meppel.nl", "beleid@meppel.nl"} {
		c := e.browser()
		e.login(c, who, pw)
		if code, _ := get(t, c, e.srv.URL+"/beheer/inlezen"); code != 403 {
			t.Errorf("%s sees the import page: %d", who, code)
		}
		if code, _, _ := shUpload(t, c, e.srv.URL+"/beheer/inlezen/spreadsheet", map[string]string{"gemeente": "GM0119", "soort": "personen", "bron": "x"}, "p.csv", csvGood); code != 403 {
			t.Errorf("%s uploads: %d", who, code)
		}
	}

	c := e.browser()
	e.login(c, "beheer@meppel.nl", pw)
	code, body := get(t, c, e.srv.URL+"/beheer/inlezen")
	if code != 200 || !strings.Contains(body, "Bestanden inlezen") || !strings.Contains(body, `enctype="multipart/form-data"`) {
		t.Fatalf("index: %d", code)
	}
	// A missing source name is said at the field.
	code, _, body = shUpload(t, c, e.srv.URL+"/beheer/inlezen/spreadsheet", map[string]string{"gemeente": "GM0119", "soort": "personen"}, "p.csv", csvGood)
	if code != 422 || !strings.Contains(body, "geef de bron een naam") {
		t.Fatalf("no source: %d", code)
	}
	code, loc, _ := shUpload(t, c, e.srv.URL+"/beheer/inlezen/spreadsheet", map[string]string{"gemeente": "GM0119", "soort": "personen", "bron": "Suite4Sociaal export"}, "p.csv", csvGood)
	if code != 303 || !strings.HasPrefix(loc, "/beheer/inlezen/spreadsheet/") || strings.Contains(loc, "9999") || strings.Contains(loc, "Smit") {
		t.Fatalf("upload: %d %q", code, loc)
	}
	code, body = get(t, c, e.srv.URL+loc)
	if code != 200 || !strings.Contains(body, `<option value="Geb.datum" selected>`) || !strings.Contains(body, `<option value="BSN" selected>`) {
		t.Fatalf("mapping page: %d\n%s", code, body)
	}
	// Another beheer user cannot use this upload.
	e.user("beheer2@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Beheer})
	c2 := e.browser()
	e.login(c2, "beheer2@meppel.nl", pw)
	if code, _ := get(t, c2, e.srv.URL+loc); code != 404 {
		t.Fatalf("someone else's upload: %d", code)
	}

	form := url.Values{"stap": {"proef"}, "veld_bsn": {"BSN"}, "veld_voornamen": {"Voornaam"}, "veld_achternaam": {"Achternaam"}, "veld_geboortedatum": {"Geb.datum"},
		"veld_geslacht": {"Geslacht"}, "veld_postcode": {"Postcode"}, "veld_huisnummer": {"Huisnr"}, "sleutel": {"BSN"}}
	// A required field left out goes back to the mapping with the reason.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Del("veld_achternaam")
	if code, body := shPost(t, c, e.srv.URL+loc, bad); code != 422 || !strings.Contains(body, "kies de kolom voor dit verplichte veld") {
		t.Fatalf("incomplete mapping: %d", code)
	}
	code, body = shPost(t, c, e.srv.URL+loc, form)
	if code != 200 || !strings.Contains(body, "Proefrun van 2 rijen: 2 nieuw") || !strings.Contains(body, "Nu echt inlezen") {
		t.Fatalf("dry run: %d\n%s", code, body)
	}
	if hits, _ := st.FindByBSN(ctx, reg, "999990032"); len(hits) != 0 {
		t.Fatal("the dry run saved a person")
	}
	form.Set("stap", "inlezen")
	code, body = shPost(t, c, e.srv.URL+loc, form)
	if code != 200 || !strings.Contains(body, "Ingelezen: 2 rijen, 2 nieuw") || strings.Contains(body, "999990032") {
		t.Fatalf("real run: %d\n%s", code, body)
	}
	if hits, _ := st.FindByBSN(ctx, reg, "999990044"); len(hits) != 1 {
		t.Fatal("not saved")
	}
	if code, _ := get(t, c, e.srv.URL+loc); code != 404 {
		t.Fatalf("the upload stays after the run: %d", code)
	}

	// A file with a bad row: the report names line and column, and offers no real run.
	_, loc, _ = shUpload(t, c, e.srv.URL+"/beheer/inlezen/spreadsheet", map[string]string{"gemeente": "GM0119", "soort": "personen", "bron": "Suite4Sociaal export"}, "p.csv",
		csvGood+"999990056;Jan;Smit;31-02-1990;M;7941AC;5\n")
	form.Set("stap", "proef")
	code, body = shPost(t, c, e.srv.URL+loc, form)
	if code != 200 || !strings.Contains(body, "regel 4, kolom Geb.datum") || strings.Contains(body, "Nu echt inlezen") || !strings.Contains(body, "2 ongewijzigd") {
		t.Fatalf("bad row: %d\n%s", code, body)
	}
	// beheer may not see persons: the report says where and what, not the birth date.
	if strings.Contains(body, "31-02-1990") || !strings.Contains(body, "geen datum") {
		t.Fatalf("the report shows a person's value: %s", body)
	}
	// The saved mapping is offered for the source.
	if code, body := get(t, c, e.srv.URL+loc); code != 200 || !strings.Contains(body, "opgeslagen") {
		t.Fatalf("saved mapping: %d", code)
	}

	// The address table.
	code, _, body = shUpload(t, c, e.srv.URL+"/beheer/inlezen/postcodes", map[string]string{"gemeente": "GM0119"}, "pc.csv", "Postcode;Huisnummer;Wijkcode\n7941 AD;1;WK011903\n")
	if code != 200 || !strings.Contains(body, "Ingelezen: 1 rij.") {
		t.Fatalf("postcodes: %d\n%s", code, body)
	}
	code, _, body = shUpload(t, c, e.srv.URL+"/beheer/inlezen/postcodes", map[string]string{"gemeente": "GM0119", "vervang": "1"}, "pc.csv", "Postcode;Huisnummer;Wijkcode\n7941 AE;1;WK011903\n")
	if n, _ := st.PostcodeRows(ctx, "GM0119"); code != 200 || n != 1 || !strings.Contains(body, "De oude tabel (2 rijen) is vervangen") {
		t.Fatalf("replace: %d, %d rows\n%s", code, n, body)
	}
	// Households at addresses the table lacks: per postcode area, a small count not as a number.
	if !strings.Contains(body, "<td>7941</td><td>minder dan 10</td>") || strings.Contains(body, "7941 AC") || strings.Contains(body, "7941AC") {
		t.Fatalf("unmatched households: %s", body)
	}
	code, _, body = shUpload(t, c, e.srv.URL+"/beheer/inlezen/postcodes", map[string]string{"gemeente": "GM0119"}, "pc.csv", "Postcode;Huisnummer;Wijkcode\n7941 AD;1;WK020001\n")
	if code != 200 || !strings.Contains(body, "regel 2") || !strings.Contains(body, "Niets opgeslagen") {
		t.Fatalf("bad postcodes: %d\n%s", code, body)
	}
}

// The user can stop after the upload, on the mapping page or after the
// dry run: the file goes from the server at once. Only their own.
func TestSpreadsheetUploadDelete(t *testing.T) {
	st := storetest.SQLite(t)
	e := newEnv(t, st)
	e.user("beheer2@meppel.nl", auth.Grant{Gemeente: "GM0119", Role: auth.Beheer})
	c := e.browser()
	e.login(c, "beheer@meppel.nl", pw)
	c2 := e.browser()
	e.login(c2, "beheer2@meppel.nl", pw)
	csv := "BSN;Voornaam;Achternaam;Geb.datum;Geslacht;Postcode;Huisnr\n999990032;Kees;Smit;01-01-1960;M;7941 AC;5\n"
	files := func() int {
		t.Helper()
		entries, err := os.ReadDir(e.upload)
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	upload := func() string {
		t.Helper()
		code, loc, _ := shUpload(t, c, e.srv.URL+"/beheer/inlezen/spreadsheet", map[string]string{"gemeente": "GM0119", "soort": "personen", "bron": "x"}, "p.csv", csv)
		if code != 303 {
			t.Fatalf("upload: %d", code)
		}
		return loc
	}

	// From the mapping page.
	loc := upload()
	code, body := get(t, c, e.srv.URL+loc)
	if code != 200 || !strings.Contains(body, `action="`+loc+`/verwijderen"`) || !strings.Contains(body, "Stoppen en bestand verwijderen") {
		t.Fatalf("mapping page has no stop button: %d\n%s", code, body)
	}
	if n := files(); n != 2 {
		t.Fatalf("%d files after the upload, want the data and its meta", n)
	}
	// Someone else cannot remove it.
	if code, _ := shPost(t, c2, e.srv.URL+loc+"/verwijderen", url.Values{}); code != 404 {
		t.Fatalf("someone else removes the upload: %d", code)
	}
	if n := files(); n != 2 {
		t.Fatal("someone else removed the upload")
	}
	code, body = shPost(t, c, e.srv.URL+loc+"/verwijderen", url.Values{})
	if code != 200 || !strings.Contains(body, "Het bestand is van de server verwijderd") {
		t.Fatalf("stop: %d\n%s", code, body)
	}
	if n := files(); n != 0 {
		t.Fatalf("%d files left after stopping", n)
	}
	if code, _ := get(t, c, e.srv.URL+loc); code != 404 {
		t.Fatalf("the upload is still there: %d", code)
	}
	// A second click says the same.
	if code, _ := shPost(t, c, e.srv.URL+loc+"/verwijderen", url.Values{}); code != 200 {
		t.Fatalf("second stop: %d", code)
	}

	// After the dry run.
	loc = upload()
	form := url.Values{"stap": {"proef"}, "veld_bsn": {"BSN"}, "veld_voornamen": {"Voornaam"}, "veld_achternaam": {"Achternaam"}, "veld_geboortedatum": {"Geb.datum"},
		"veld_geslacht": {"Geslacht"}, "veld_postcode": {"Postcode"}, "veld_huisnummer": {"Huisnr"}, "sleutel": {"BSN"}}
	code, body = shPost(t, c, e.srv.URL+loc, form)
	if code != 200 || !strings.Contains(body, "Nu echt inlezen") || !strings.Contains(body, `action="`+loc+`/verwijderen"`) {
		t.Fatalf("dry run has no stop button: %d\n%s", code, body)
	}
	if code, _ := shPost(t, c, e.srv.URL+loc+"/verwijderen", url.Values{}); code != 200 {
		t.Fatalf("stop after the dry run: %d", code)
	}
	if n := files(); n != 0 {
		t.Fatalf("%d files left after stopping", n)
	}
	form.Set("stap", "inlezen")
	if code, _ := shPost(t, c, e.srv.URL+loc, form); code != 404 {
		t.Fatalf("a real run after stopping: %d", code)
	}
	if hits, _ := st.FindByBSN(ctx, store.Actor{P: &auth.Principal{UserID: "x", Grants: []auth.Grant{{Gemeente: "GM0119", Role: auth.Regisseur}}}}, "999990032"); len(hits) != 0 {
		t.Fatal("saved after stopping")
	}
}
