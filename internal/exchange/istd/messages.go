package istd

import (
	"regexp"
	"strings"

	"naober.nl/naober/internal/exchange"
)

// kind is one message type of iJw or iWmo 3.2.
type kind struct {
	std          exchange.Standard
	code         string // "301"
	berichtCode  string // Vektis COD002 code in the header, "436"
	imports      bool   // naober takes data from it; the others are recognised only
	fromGemeente bool   // header Afzender is the gemeente (else the aanbieder's AGB)
	note         string // Dutch: what the message is
}

func (k *kind) name() string { return k.std.Prefix() + k.code }

func (k *kind) namespace() string {
	return "http://www.istandaarden.nl/" + string(k.std) + "/3_2/" + strings.ToLower(k.name()) + "/schema"
}

func basisNS(std exchange.Standard) string {
	return "http://www.istandaarden.nl/" + string(std) + "/3_2/basisschema/schema"
}

const nothing = ": gelezen, niets in te lezen"

// notes per message code, the same for both standards.
var notes = map[string]string{
	"301": "toewijzing van zorg of ondersteuning aan een aanbieder",
	"302": "retourbericht op een toewijzing" + nothing,
	"305": "startbericht: de aanbieder is met de zorg begonnen",
	"306": "retourbericht op een startbericht" + nothing,
	"307": "stopbericht: de aanbieder is met de zorg gestopt",
	"308": "retourbericht op een stopbericht" + nothing,
	"315": "verzoek om toewijzing van een aanbieder" + nothing + " (de gemeente antwoordt met een 319 en eventueel een toewijzing)",
	"316": "retourbericht op een verzoek om toewijzing" + nothing,
	"317": "verzoek om wijziging van een toewijzing door een aanbieder" + nothing + " (een wijziging komt binnen als nieuwe toewijzing)",
	"318": "retourbericht op een verzoek om wijziging" + nothing,
	"319": "antwoord van de gemeente op een verzoek om toewijzing of wijziging" + nothing,
	"320": "retourbericht op een antwoordbericht" + nothing,
	"323": "declaratie: geleverde zorg en bedragen per periode",
	"325": "antwoord van de gemeente op een declaratie" + nothing,
}

// kinds lists the 3.2 messages naober recognises, with the BerichtCode
// (COD002 Vektis) each must carry in its header.
var kinds = func() []*kind {
	codes := []struct {
		code, jw, wmo string
		gemeente      bool
	}{
		{"301", "436", "414", true},
		{"302", "437", "415", true},
		{"305", "438", "418", false},
		{"306", "439", "419", false},
		{"307", "440", "420", false},
		{"308", "441", "421", false},
		{"315", "446", "444", false},
		{"316", "447", "445", false},
		{"317", "486", "480", false},
		{"318", "487", "481", false},
		{"319", "488", "482", true},
		{"320", "489", "483", true},
		{"323", "490", "484", false},
		{"325", "491", "485", true},
	}
	var out []*kind
	for _, std := range []exchange.Standard{exchange.IJw, exchange.IWmo} {
		for _, c := range codes {
			bc := c.jw
			if std == exchange.IWmo {
				bc = c.wmo
			}
			imp := c.code == "301" || c.code == "305" || c.code == "307" || c.code == "323"
			out = append(out, &kind{std: std, code: c.code, berichtCode: bc, imports: imp, fromGemeente: c.gemeente, note: notes[c.code]})
		}
	}
	return out
}()

var kindByNS = func() map[string]*kind {
	m := make(map[string]*kind, len(kinds))
	for _, k := range kinds {
		m[k.namespace()] = k
	}
	return m
}()

var istdNS = regexp.MustCompile(`^https?://www\.istandaarden\.nl/(ijw|iwmo)/([0-9]+)_([0-9]+)/(jw|wmo)([0-9]+)/schema$`)

// unsupported says in Dutch what a root element is when it is not a 3.2
// message naober knows.
func unsupported(name, ns string) string {
	const only = "alleen iJw/iWmo 3.2 wordt ondersteund"
	if name != "Bericht" {
		return only + ", dit bestand is geen iJw- of iWmo-bericht (het begint met <" + name + ">)"
	}
	if m := istdNS.FindStringSubmatch(ns); m != nil {
		std := "iJw"
		if m[1] == "iwmo" {
			std = "iWmo"
		}
		msg := strings.ToUpper(m[4]) + m[5]
		if m[2] == "3" && m[3] == "2" {
			return "dit is een " + std + " 3.2-bericht dat naober niet kent (" + msg + ")"
		}
		return only + ", dit bericht is " + std + " " + m[2] + "." + m[3] + " (" + msg + ")"
	}
	if strings.Contains(ns, "istandaarden.nl") {
		return only + ", dit bericht hoort bij een andere iStandaard of versie (namespace " + ns + ")"
	}
	if ns == "" {
		return only + ", dit bericht heeft geen namespace, dus naober kan niet zien welk bericht het is"
	}
	return only + ", dit bericht heeft een onbekende namespace (" + ns + ")"
}
