package store

import (
	"context"
	"strings"

	"naober.nl/naober/internal/participation"
)

// E-mail about moderation and the wijkagenda, queued in the same
// transaction as the change (NotifyUser: each resident's own preference,
// direct, digest or none). The author hears when their wish is hidden
// (with the reason) or shown again; the followers of a wish hear when an
// agenda item is made from it and when that item's status changes (done
// included). Whoever makes the change gets no mail about it.

type linkBaseKey struct{}

// WithLinkBase gives the store the server's public address
// (https://naober.example.nl) for links in the e-mails it queues. Without
// it the mails go without a link.
func WithLinkBase(ctx context.Context, base string) context.Context {
	return context.WithValue(ctx, linkBaseKey{}, strings.TrimRight(base, "/"))
}

// linkLine is "\n<text> <base><path>\n", or "" without a base.
func linkLine(ctx context.Context, text, path string) string {
	base, _ := ctx.Value(linkBaseKey{}).(string)
	if base == "" {
		return ""
	}
	return "\n" + text + " " + base + path + "\n"
}

// oneLine keeps a title fit for a subject line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// notifyWishAuthor mails the wish's author about moderation.
func (s *Store) notifyWishAuthor(ctx context.Context, tx *Tx, wishID, gemeente, except string, hidden bool, text string) error {
	var author *string
	var wijk, title string
	if err := tx.QueryRow(ctx, `SELECT author_id, wijk, title FROM wishes WHERE id = ?`, wishID).Scan(&author, &wijk, &title); err != nil {
		return err
	}
	if author == nil || *author == except {
		return nil
	}
	title = oneLine(title)
	var subject, body string
	if hidden {
		subject = "Uw wens is verborgen: " + title
		body = "De wijkcoördinator heeft uw wens \"" + title + "\" verborgen. Andere bewoners zien hem niet meer.\n\nReden: " + text + "\n"
	} else {
		subject = "Uw wens is weer zichtbaar: " + title
		body = "Uw wens \"" + title + "\" is weer voor iedereen te zien.\n"
		if text != "" {
			body += "\nToelichting: " + text + "\n"
		}
	}
	body += linkLine(ctx, "Bekijk uw wens op", "/wijk/"+wijk+"/wensen/"+wishID)
	if hidden {
		body += "\nBent u het er niet mee eens? Neem dan contact op met de gemeente.\n"
	}
	body += "\nU krijgt dit bericht omdat u deze wens plaatste. Bij uw account kiest u hoe vaak u berichten krijgt.\n"
	kind := "wens-zichtbaar"
	if hidden {
		kind = "wens-verborgen"
	}
	_, err := s.NotifyUser(ctx, tx, *author, gemeente, kind, subject, body)
	return err
}

// wishFollowers are the users who follow a wish, but not except.
func (s *Store) wishFollowers(ctx context.Context, tx *Tx, wishID, except string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT user_id FROM wish_follows WHERE wish_id = ? ORDER BY user_id`, wishID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		if u != except {
			users = append(users, u)
		}
	}
	return users, rows.Err()
}

// notifyAgendaFollowers mails the followers of the wish an agenda item
// came from: made is true when the item was just made, otherwise its
// status changed to it.Status.
func (s *Store) notifyAgendaFollowers(ctx context.Context, tx *Tx, except string, it participation.AgendaItem, made bool) error {
	if it.WishID == "" {
		return nil
	}
	users, err := s.wishFollowers(ctx, tx, it.WishID, except)
	if err != nil || len(users) == 0 {
		return err
	}
	var wish string
	if err := tx.QueryRow(ctx, `SELECT title FROM wishes WHERE id = ?`, it.WishID).Scan(&wish); err != nil {
		return err
	}
	wish, title := oneLine(wish), oneLine(it.Title)
	var kind, subject, body string
	switch {
	case made:
		kind, subject = "wens-agenda", "Op de wijkagenda: "+title
		body = "De wens \"" + wish + "\" die u volgt staat nu op de wijkagenda, als \"" + title + "\".\n\nTrekker: " + it.Owner + "\nStatus: " + it.Status.Label() + "\n"
	case it.Status == participation.AgendaKlaar:
		kind, subject = "agenda-klaar", "Klaar: "+title
		body = "Het punt \"" + title + "\" op de wijkagenda is klaar. Het kwam voort uit de wens \"" + wish + "\" die u volgt.\n"
	default:
		kind, subject = "agenda-status", "Nieuwe status voor "+title+": "+it.Status.Label()
		body = "Het punt \"" + title + "\" op de wijkagenda, van de wens \"" + wish + "\" die u volgt, heeft een nieuwe status: " + it.Status.Label() + ".\n"
	}
	body += linkLine(ctx, "Lees hoe het ervoor staat op", "/wijk/"+it.Wijk+"/agenda/"+it.ID)
	body += "\nU krijgt dit bericht omdat u deze wens volgt. Wilt u dit niet meer, kies dan bij de wens voor \"Niet meer volgen\".\n"
	for _, u := range users {
		if _, err := s.NotifyUser(ctx, tx, u, it.Gemeente, kind, subject, body); err != nil {
			return err
		}
	}
	return nil
}
