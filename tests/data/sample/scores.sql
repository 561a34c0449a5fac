-- scores.sql - screening scores for the sample tests, as casekit screen stores them
-- (casekit-store(5)); loaded with the sqlite3 CLI after the CSV files are ingested.
INSERT INTO scores(listing_id, seller_id, score, flagged, brand, reasons, rules_digest,
 scored_at) VALUES
 ('A1','S1',95,1,'gucci','kw:replica','d','2026-12-01T00:00:00Z'),
 ('A2','S1',90,1,'gucci','kw:replica','d','2026-12-01T00:00:00Z'),
 ('A3','S2',85,1,'gucci','kw:1:1','d','2026-12-01T00:00:00Z'),
 ('A4','S3',80,1,'prada','price:0.1×ref','d','2026-12-01T00:00:00Z'),
 ('A5','S4',60,1,'coach','kw:aaa','d','2026-12-01T00:00:00Z'),
 ('A6','S5',40,0,'lv','','d','2026-12-01T00:00:00Z'),
 ('A7','S6',99,1,'hermes','kw:高仿','d','2026-12-01T00:00:00Z'),
 ('A8','S3',70,1,'prada','kw:replica','d','2026-12-01T00:00:00Z'),
 ('A9','S4',75,1,'coach','kw:replica','d','2026-12-01T00:00:00Z'),
 ('U1','S7',90,1,'nike','kw:replica','d','2026-12-01T00:00:00Z');
