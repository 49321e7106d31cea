package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"naober.nl/naober/internal/auth"
	"naober.nl/naober/internal/exchange/istd"
	"naober.nl/naober/internal/store"
	"naober.nl/naober/internal/store/storetest"
)

const istdExamples = "../exchange/istd/testdata" // the example messages of ../shared/data/istandaarden, copied with their attribution

// istdUpload posts files to the upload page as a browser would.
func istdUpload(t *testing.T, e *env, c *http.Client, gemeente string, dry bool, files map[string][]byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("gemeente", gemeente)
	if dry {
		mw.WriteField("proef", "1")
	}
	for name, b := range files {
		fw, _ := mw.CreateFormFile("bestanden", name)
		fw.Write(b)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/beheer/uitwisseling", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func istdExample(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(istdExamples, rel))
	if err != nil {
		t.Fatal(err)
	}
	// The examples are for gemeente 0384 or 0363; the test env serves Meppel (0119).
	b = bytes.ReplaceAll(b, []byte(">0384<"), []byte(">0119<"))
	return bytes.ReplaceAll(b, []byte(">0363<"), []byte(">0119<"))
}

func TestIstdUploadForBeheerOnly(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	files := map[string][]byte{"JW301.xml": istdExample(t, "ijw/berichten/JW301.xml"), "JW302.xml": istdExample(t, "ijw/berichten/JW302.xml"),
		"JW305.xml": istdExample(t, "ijw/berichten/JW305.xml"), "kapot.xml": []byte("<Bericht>")}

	// Regisseur and beleid may not import (and do not see the page).
	for _, who := range []string{"regisseur@meppel.nl", "beleid@meppel.nl"} {
		c := e.browser()
		e.login(c, who, pw)
		if code, _ := get(t, c, e.srv.URL+"/beheer/uitwisseling"); code != http.StatusForbidden {
			t.Errorf("%s sees the upload page: %d", who, code)
		}
		if code, _ := istdUpload(t, e, c, "GM0119", false, files); code != http.StatusForbidden {
			t.Errorf("%s uploaded: %d", who, code)
		}
	}
	c := e.browser()
	e.login(c, "beheer@meppel.nl", pw)
	code, body := get(t, c, e.srv.URL+"/beheer/uitwisseling")
	if code != 200 || !strings.Contains(body, `type="file" multiple`) || !strings.Contains(body, "Er zijn nog geen berichten ingelezen.") {
		t.Fatalf("upload page: %d", code)
	}
	// A dry run saves nothing.
	code, body = istdUpload(t, e, c, "GM0119", true, files)
	if !strings.Contains(body, "Verslag van de proefrun: er is niets opgeslagen") || !strings.Contains(body, "Er zijn nog geen berichten ingelezen.") {
		t.Fatalf("dry run: %d\n%s", code, body)
	}
	code, body = istdUpload(t, e, c, "GM0119", false, files)
	if code != http.StatusUnprocessableEntity { // one file refused
		t.Errorf("upload with a broken file: %d", code)
	}
	for _, want := range []string{"4 bestanden:", "2 ingelezen", "1 zonder gegevens om in te lezen", "1 geweigerd",
		"JW301 123456789012", "1 nieuwe persoon", "2 nieuwe voorzieningen", "2 voorzieningen bijgewerkt"} {
		if !strings.Contains(body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if !strings.Contains(body, "kapot.xml") || !strings.Contains(body, "Niets ingelezen.") {
		t.Errorf("the broken file is not reported")
	}
	// No personal data in the report or the history: no BSN, name, birth date, address.
	for _, secret := range []string{"999900006", "Wit</", ">Tom<", "2010-02-14", "14-02-2010", "Van Woustraat", "9999"} {
		if strings.Contains(body, secret) {
			t.Errorf("report shows personal data %q", secret)
		}
	}
	if !strings.Contains(body, "Eerder ingelezen berichten") || strings.Contains(body, "Er zijn nog geen berichten ingelezen.") {
		t.Errorf("history missing")
	}
	// Again: already imported, nothing refused but the broken file.
	_, body = istdUpload(t, e, c, "GM0119", false, files)
	if !strings.Contains(body, "3 al eerder ingelezen") {
		t.Errorf("second upload is not idempotent")
	}
	// Another gemeente than the beheerder's is refused.
	if code, body := istdUpload(t, e, c, "GM0200", false, files); code != http.StatusUnprocessableEntity || !strings.Contains(body, "kies een gemeente waarvoor u mag inlezen") {
		t.Errorf("other gemeente: %d", code)
	}
}

func TestAllocationDownload(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	exImport(t, e)
	u, _ := e.st.UserByEmail(ctx, "regisseur@meppel.nl")
	a := store.Actor{P: &auth.Principal{UserID: u.ID, Email: u.Email, Grants: u.Grants}}
	hits, _ := e.st.FindByBSN(ctx, a, "999900006")
	pvs, _ := e.st.ProvisionsForHousehold(ctx, a, hits[0].HouseholdID)
	post := func(c *http.Client, id string) (*http.Response, string) {
		res, err := c.PostForm(e.srv.URL+"/voorzieningen/"+id+"/toewijzingsbericht", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	c := e.browser()
	e.login(c, "regisseur@meppel.nl", pw)
	res, body := post(c, pvs[0].ID)
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), `attachment; filename="JW301_300201_`) {
		t.Fatalf("download: %d %v\n%s", res.StatusCode, res.Header, body)
	}
	m, err := istd.Read("JW301.xml", strings.NewReader(body))
	if err != nil {
		t.Fatalf("the download does not read back: %v", err)
	}
	if m.Afzender != "0119" || m.Ontvanger != "42420001" || m.Client.BSN != "999900006" || len(m.Allocations) != 1 || m.Allocations[0].Nummer != "300201" ||
		m.Allocations[0].Categorie != "45" || m.Allocations[0].Ingangsdatum.ISO() != "2026-04-01" || m.Allocations[0].Einddatum.ISO() != "2026-07-14" {
		t.Fatalf("read back: %+v %+v", m, m.Allocations)
	}
	// Beheer cannot read persons, so gets no allocation message.
	cb := e.browser()
	e.login(cb, "beheer@meppel.nl", pw)
	if res, _ := post(cb, pvs[0].ID); res.StatusCode == 200 {
		t.Fatal("beheer downloaded an allocation message")
	}
	// A provision of a client without a name or birth date cannot be sent.
	bare, _ := e.st.FindByBSN(ctx, a, "999900018")
	bpv, _ := e.st.ProvisionsForHousehold(ctx, a, bare[0].HouseholdID)
	if res, body := post(c, bpv[0].ID); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "geboortedatum van de cliënt is onbekend") {
		t.Fatalf("bare client: %d\n%s", res.StatusCode, body)
	}
}
