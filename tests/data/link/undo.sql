-- undo.sql - a third dump: S7 also uses the landline S4-S6 share, so it weighs less and the
-- join of S4 and S5 (an IP that day plus that landline) must be weighed again in full
INSERT INTO identifiers(holder_kind, holder_id, kind, value, raw, flags, day, field, source_id, line) VALUES
 ('seller', 'S7', 'phone', '+861012345678', '010 12345678', 'landline', NULL, 'phone', 5, 9);
