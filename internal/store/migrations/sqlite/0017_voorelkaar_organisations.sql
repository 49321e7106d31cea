-- Voor elkaar: a resident may post a request or an offer on behalf of an
-- organisation (a buurthuis, a church, a foundation). Others see its name
-- in place of the resident's first name; '' for a resident's own post.
ALTER TABLE help_requests ADD COLUMN organisation TEXT NOT NULL DEFAULT '';
ALTER TABLE help_offers ADD COLUMN organisation TEXT NOT NULL DEFAULT '';
