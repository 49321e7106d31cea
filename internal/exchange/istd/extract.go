package istd

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"naober.nl/naober/internal/exchange"
	"naober.nl/naober/internal/nlfmt"
	"naober.nl/naober/internal/people"
)

// Element keys (paths below Bericht without indexes) of the records naober
// takes from the messages.
const (
	keyProduct  = "Client/ToegewezenProducten/ToegewezenProduct"
	keyContact  = "Client/Contactgegevens/Contact"
	keyStart    = "Client/StartProducten/StartProduct"
	keyStop     = "Client/StopProducten/StopProduct"
	keyDeclCl   = "Declaratie/Clienten/Client"
	keyClaim    = "Declaratie/Clienten/Client/Prestaties/Prestatie"
	keyDecl     = "Declaratie"
	keyIdent    = "Header/BerichtIdentificatie/Identificatie"
	keyDagtek   = "Header/BerichtIdentificatie/Dagtekening"
	keyClient   = "Client"
	keyClientNm = "Client/Naam/"
)

// extract holds the records being read.
type extract struct {
	client exchange.Client
	header uint8 // header-only mode: which required header elements were seen

	// Contactgegevens: the client's own address by Soort (01 BRP, 02, 03).
	contact      exchange.Address
	contactSoort string
	contactAdres bool
	best         *exchange.Address
	bestRank     int

	numbers map[string]bool // ToewijzingNummers of this 301

	recPath string // element path of the current record
	seen    bool   // the record's key element (Product, ToewijzingNummer) occurred

	alloc  exchange.Allocation
	allocs []exchange.Allocation
	start  exchange.Start
	starts []exchange.Start
	stop   exchange.Stop
	stops  []exchange.Stop

	decl      exchange.Declaration
	totDC     string
	totAmount int64
	totOK     bool
	bsn       string
	claim     exchange.Claim
	claimDC   string
	amount    int64
	amountOK  bool
	tariffOK  bool
	claimsOK  bool // every claim had a valid amount and sign, so the total can be checked
}

func (r *reader) startRecord(f *frame) {
	x := &r.ex
	switch f.key {
	case keyProduct:
		x.alloc, x.recPath, x.seen = exchange.Allocation{Path: r.path()}, r.path(), false
	case keyProduct + "/Product", keyStart + "/ToewijzingNummer", keyStop + "/ToewijzingNummer":
		x.seen = true
	case keyContact:
		x.contact, x.contactSoort, x.contactAdres = exchange.Address{}, "", false
	case keyContact + "/Adres":
		x.contactAdres = true
	case keyStart:
		x.start, x.recPath, x.seen = exchange.Start{Path: r.path()}, r.path(), false
	case keyStop:
		x.stop, x.recPath, x.seen = exchange.Stop{Path: r.path()}, r.path(), false
	case keyDecl:
		x.claimsOK = true
	case keyDeclCl:
		x.bsn = ""
	case keyClaim:
		x.claim, x.recPath = exchange.Claim{BSN: x.bsn, Path: r.path()}, r.path()
		x.claimDC, x.amount, x.amountOK, x.tariffOK = "", 0, false, false
	}
}

func (r *reader) endRecord(f *frame) {
	x := &r.ex
	switch f.key {
	case keyProduct:
		a := x.alloc
		if !x.seen {
			r.add(x.recPath+"/Product", "", "de productcategorie ontbreekt; naober heeft die nodig om de toewijzing in te lezen")
		}
		r.order(a.Ingangsdatum, a.Einddatum, x.recPath+"/Einddatum", "de einddatum ligt vóór de ingangsdatum")
		x.allocs = append(x.allocs, a)
	case keyContact:
		rank := map[string]int{"01": 1, "02": 2, "03": 3}[x.contactSoort]
		if x.contactAdres && rank > 0 && (x.best == nil || rank < x.bestRank) {
			a := x.contact
			x.best, x.bestRank = &a, rank
		}
	case keyStart:
		if !x.seen {
			r.add(x.recPath+"/ToewijzingNummer", "", "het toewijzingnummer ontbreekt; naober heeft het nodig om de start bij de juiste toewijzing te zetten")
		}
		x.starts = append(x.starts, x.start)
	case keyStop:
		s := x.stop
		if !x.seen {
			r.add(x.recPath+"/ToewijzingNummer", "", "het toewijzingnummer ontbreekt; naober heeft het nodig om de stop bij de juiste toewijzing te zetten")
		}
		r.order(s.Begindatum, s.Einddatum, x.recPath+"/Einddatum", "de einddatum ligt vóór de begindatum")
		x.stops = append(x.stops, s)
	case keyClaim:
		c := &x.claim
		r.order(c.Begin, c.Eind, x.recPath+"/ProductPeriode/Einddatum", "de einddatum van de productperiode ligt vóór de begindatum")
		if !x.amountOK || x.claimDC == "" {
			x.claimsOK = false
		} else {
			c.BedragCents = x.amount
			if x.claimDC == "C" {
				c.BedragCents = -x.amount
			}
			// TR346: amount is volume times tariff, except for unit 83 (euros).
			if x.tariffOK && c.Eenheid != "83" && c.Volume*c.TariefCents != x.amount {
				r.add(x.recPath+"/IngediendBedrag/Bedrag", strconv.FormatInt(x.amount, 10),
					fmt.Sprintf("het ingediende bedrag klopt niet: %d × %s = %s, maar er staat %s", c.Volume, euro(c.TariefCents), euro(c.Volume*c.TariefCents), euro(x.amount)))
			}
		}
		x.decl.Claims = append(x.decl.Claims, *c)
	case keyDecl:
		d := &x.decl
		r.order(d.Begin, d.Eind, "/Bericht/Declaratie/DeclaratiePeriode/Einddatum", "de einddatum van de declaratieperiode ligt vóór de begindatum")
		if x.totOK && x.totDC != "" {
			d.TotaalCents = x.totAmount
			if x.totDC == "C" {
				d.TotaalCents = -x.totAmount
			}
			if x.claimsOK {
				var sum int64
				for _, c := range d.Claims {
					sum += c.BedragCents
				}
				if sum != d.TotaalCents {
					r.add("/Bericht/Declaratie/TotaalIngediendBedrag/TotaalBedrag", strconv.FormatInt(x.totAmount, 10),
						fmt.Sprintf("het totaal klopt niet: de prestaties tellen op tot %s, maar als totaal staat er %s", signed(sum), signed(d.TotaalCents)))
				}
			}
		}
	}
}

// value takes one checked element value into the message.
func (r *reader) value(f *frame, v string) {
	x := &r.ex
	m := r.msg
	key := f.key
	switch key {
	case "Header/BerichtCode":
		m.BerichtCode = v
		return
	case "Header/Afzender":
		m.Afzender = v
		return
	case "Header/Ontvanger":
		m.Ontvanger = v
		return
	case keyIdent:
		m.ID = v
		return
	case keyDagtek:
		m.Dagtekening = date(v)
		return
	case keyClient + "/Bsn", keyDeclCl + "/Bsn":
		if !people.ValidBSN(v) {
			r.add(r.path(), exchange.MaskBSN(v), "dit BSN bestaat niet: het voldoet niet aan de elfproef")
		}
		x.client.BSN, x.bsn = v, v
		return
	case keyClient + "/Geboortedatum/Datum":
		x.client.Geboortedatum = date(v)
		return
	case keyClient + "/Geslacht":
		x.client.Geslacht = map[string]string{"0": "onbekend", "1": "man", "2": "vrouw"}[v]
		return
	case keyClientNm + "Geslachtsnaam/Achternaam":
		x.client.Achternaam = v
		return
	case keyClientNm + "Geslachtsnaam/Voorvoegsel":
		x.client.Voorvoegsel = v
		return
	case keyClientNm + "Voornamen":
		x.client.Voornamen = v
		return
	case keyClientNm + "Voorletters":
		x.client.Voorletters = v
		return
	}
	switch {
	case strings.HasPrefix(key, keyProduct+"/"):
		r.allocValue(key[len(keyProduct)+1:], v)
	case strings.HasPrefix(key, keyContact+"/"):
		a := &x.contact
		switch key[len(keyContact)+1:] {
		case "Soort":
			x.contactSoort = v
		case "Adres/Huis/Huisnummer":
			a.Huisnummer, _ = strconv.Atoi(v)
		case "Adres/Huis/Huisletter":
			a.Toevoeging = strings.ToUpper(v) + a.Toevoeging
		case "Adres/Huis/HuisnummerToevoeging":
			a.Toevoeging += strings.ToUpper(strings.TrimSpace(v))
		case "Adres/Postcode":
			a.Postcode = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(v), " ", ""))
		case "Adres/Straatnaam":
			a.Straat = strings.TrimSpace(v)
		case "Adres/Plaatsnaam":
			a.Plaats = strings.TrimSpace(v)
		}
	case strings.HasPrefix(key, keyStart+"/"):
		s := &x.start
		switch key[len(keyStart)+1:] {
		case "ToewijzingNummer":
			s.Nummer = canon(v)
		case "Product/Categorie":
			s.Categorie = v
		case "Product/Code":
			s.Code = v
		case "ToewijzingIngangsdatum":
			s.ToewijzingIngangsdatum = date(v)
		case "Begindatum":
			s.Begindatum = date(v)
		case "StatusAanlevering":
			s.Status = v
		}
	case strings.HasPrefix(key, keyStop+"/"):
		s := &x.stop
		switch key[len(keyStop)+1:] {
		case "ToewijzingNummer":
			s.Nummer = canon(v)
		case "Product/Categorie":
			s.Categorie = v
		case "Product/Code":
			s.Code = v
		case "ToewijzingIngangsdatum":
			s.ToewijzingIngangsdatum = date(v)
		case "Begindatum":
			s.Begindatum = date(v)
		case "Einddatum":
			s.Einddatum = date(v)
		case "RedenBeeindiging":
			s.RedenBeeindiging = v
		case "StatusAanlevering":
			s.Status = v
		}
	case strings.HasPrefix(key, keyClaim+"/"):
		c := &x.claim
		switch key[len(keyClaim)+1:] {
		case "ProductReferentie/ReferentieNummer":
			c.ReferentieNummer = v
		case "ProductReferentie/VorigReferentieNummer":
			c.VorigReferentie = v
		case "ToewijzingNummer":
			c.ToewijzingNummer = canon(v)
		case "ProductCategorie":
			c.Categorie = v
		case "ProductCode":
			c.Code = v
		case "ProductPeriode/Begindatum":
			c.Begin = date(v)
		case "ProductPeriode/Einddatum":
			c.Eind = date(v)
		case "GeleverdVolume":
			c.Volume, _ = strconv.ParseInt(v, 10, 64)
		case "Eenheid":
			c.Eenheid = v
		case "ProductTarief":
			c.TariefCents, _ = strconv.ParseInt(v, 10, 64)
			x.tariffOK = true
		case "IngediendBedrag/Bedrag":
			x.amount, _ = strconv.ParseInt(v, 10, 64)
			x.amountOK = true
		case "IngediendBedrag/DebetCredit":
			x.claimDC = v
		}
	case strings.HasPrefix(key, keyDecl+"/"):
		d := &x.decl
		switch key[len(keyDecl)+1:] {
		case "DeclaratieNummer":
			d.Nummer = v
		case "DeclaratiePeriode/Begindatum":
			d.Begin = date(v)
		case "DeclaratiePeriode/Einddatum":
			d.Eind = date(v)
		case "TotaalIngediendBedrag/TotaalBedrag":
			x.totAmount, _ = strconv.ParseInt(v, 10, 64)
			x.totOK = true
		case "TotaalIngediendBedrag/DebetCredit":
			x.totDC = v
		}
	}
}

func (r *reader) allocValue(sub, v string) {
	a := &r.ex.alloc
	switch sub {
	case "ToewijzingNummer":
		a.Nummer = canon(v)
		if r.ex.numbers[a.Nummer] {
			r.add(r.path(), a.Nummer, "dit toewijzingnummer staat al eerder in dit bericht; elk toegewezen product heeft een eigen nummer")
		}
		if r.ex.numbers == nil {
			r.ex.numbers = map[string]bool{}
		}
		r.ex.numbers[a.Nummer] = true
	case "ReferentieAanbieder":
		a.ReferentieAanbieder = v
	case "Product/Categorie":
		a.Categorie = v
	case "Product/Code":
		a.Code = v
	case "Toewijzingsdatum":
		a.Toewijzingsdatum = date(v)
	case "Toewijzingstijd":
		a.Toewijzingstijd = v
	case "Ingangsdatum":
		a.Ingangsdatum = date(v)
	case "Einddatum":
		a.Einddatum = date(v)
	case "RedenWijziging":
		a.RedenWijziging = v
	case "Omvang/Volume":
		n, _ := strconv.Atoi(v)
		a.Volume = &n
	case "Omvang/Eenheid":
		a.Eenheid = v
	case "Omvang/Frequentie":
		a.Frequentie = v
	case "Budget":
		n, _ := strconv.ParseInt(v, 10, 64)
		a.BudgetCents = &n
	case "Commentaar":
		a.Commentaar = v
	}
}

// Required header elements, checked by hand for messages naober only
// recognises (their XSD is not embedded).
var headerKeys = []string{"Header/BerichtCode", "Header/BerichtVersie", "Header/BerichtSubversie", "Header/Afzender", "Header/Ontvanger", keyIdent, keyDagtek}

func (r *reader) headerValue(key, raw string) {
	i := 0
	for i < len(headerKeys) && headerKeys[i] != key {
		i++
	}
	if i == len(headerKeys) {
		return
	}
	r.ex.header |= 1 << i
	v := strings.TrimSpace(raw)
	k, m := r.kind, r.msg
	bad := func(msg string) { r.add(r.path(), clip(v), msg) }
	gemeente, agb := func(s string) bool { return len(s) == 4 && digits(s) }, func(s string) bool { return len(s) == 8 && digits(s) }
	switch key {
	case "Header/BerichtCode":
		m.BerichtCode = v
		if v != k.berichtCode {
			bad("deze berichtcode hoort niet bij " + k.name() + "; daar hoort " + k.berichtCode + " te staan")
		}
	case "Header/BerichtVersie":
		if v != "3" {
			bad("alleen iJw/iWmo 3.2 wordt ondersteund; hier hoort BerichtVersie 3 te staan")
		}
	case "Header/BerichtSubversie":
		if v != "2" {
			bad("alleen iJw/iWmo 3.2 wordt ondersteund; hier hoort BerichtSubversie 2 te staan")
		}
	case "Header/Afzender", "Header/Ontvanger":
		if key == "Header/Afzender" {
			m.Afzender = v
		} else {
			m.Ontvanger = v
		}
		if (key == "Header/Afzender") == k.fromGemeente {
			if !gemeente(v) {
				bad("dit moet een gemeentecode van 4 cijfers zijn, bijvoorbeeld 0363")
			}
		} else if !agb(v) {
			bad("dit moet een AGB-code van 8 cijfers zijn")
		}
	case keyIdent:
		m.ID = v
		if v == "" || utf8Len(v) > 12 {
			bad("de identificatie van het bericht moet 1 tot 12 tekens zijn")
		}
	case keyDagtek:
		d, ok := parseDate(v)
		if !ok {
			bad("dit is geen geldige datum; schrijf jjjj-mm-dd, bijvoorbeeld 2026-04-01")
		}
		m.Dagtekening = d
	}
}

// finish completes the message when </Bericht> is read.
func (r *reader) finish() {
	x, m := &r.ex, r.msg
	if m == nil {
		return
	}
	if r.schema == nil {
		for i, k := range headerKeys {
			if x.header&(1<<i) == 0 {
				r.add("/Bericht/"+k, "", "dit gegeven ontbreekt, maar is verplicht")
			}
		}
		return
	}
	switch m.Code {
	case "301":
		c := x.client
		c.Address = x.best
		m.Client, m.Allocations = &c, x.allocs
	case "305":
		c := x.client
		m.Client, m.Starts = &c, x.starts
	case "307":
		c := x.client
		m.Client, m.Stops = &c, x.stops
	case "323":
		d := x.decl
		m.Declaration = &d
	}
}

// order reports end before begin; an open end is fine.
func (r *reader) order(begin, end people.Date, path, msg string) {
	if !begin.IsZero() && !end.IsZero() && end.Before(begin) {
		r.add(path, end.ISO(), msg+" ("+begin.ISO()+")")
	}
}

// parseDate reads xs:date as LDT_Datum allows it: yyyy-mm-dd, no zone.
func parseDate(s string) (people.Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s[:4]) || !digits(s[5:7]) || !digits(s[8:]) || s[:4] == "0000" {
		return people.Date{}, false
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return people.Date{}, false
	}
	return people.DateOf(t), true
}

// date parses a value the schema has already checked.
func date(s string) people.Date {
	d, _ := parseDate(s)
	return d
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// canon writes an xs:integer number (ToewijzingNummer) the one way naober
// keys it: "+0300201" and "300201" are the same allocation.
func canon(v string) string {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return v
	}
	return strconv.FormatInt(n, 10)
}

func utf8Len(s string) int { return utf8.RuneCountInString(s) }

// euro shows cents as "€ 1.234,56".
func euro(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("€ %s%s,%02d", sign, nlfmt.Int(c/100), c%100)
}

// signed shows a signed amount the way the message writes it: debet or credit.
func signed(c int64) string {
	if c < 0 {
		return euro(-c) + " credit"
	}
	return euro(c) + " debet"
}
