-- Who owns an indicator or a form (issue 18, delegated set-up): the unit whose
-- administration and aggregation accounts define and change it within their scope
-- (Ninh Bình Art. 10(1a), 11; Bắc Ninh Art. 7(1a)). NULL: the province-wide catalogue,
-- the sysadmin's. Every version of a form has its code's owner.
ALTER TABLE indicator ADD COLUMN owner_unit_id INTEGER REFERENCES unit(id);
ALTER TABLE form ADD COLUMN owner_unit_id INTEGER REFERENCES unit(id);
CREATE INDEX indicator_owner ON indicator(owner_unit_id);
CREATE INDEX form_owner ON form(owner_unit_id);
