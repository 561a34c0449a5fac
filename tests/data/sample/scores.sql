-- scores.sql - screening scores for the sample tests, as casekit screen stores them
-- (casekit-store(5)); loaded with the sqlite3 CLI after the CSV files are ingested.
INSERT INTO screen_runs(run_id, rules_digest, started_at, scope, scored, flagged) VALUES
 (1,'d','2026-12-01T00:00:00Z','all',10,9);
INSERT INTO scores(listing_id, seller_id, score, flagged, brand, reasons, run_id) VALUES
 ('A1','S1',95,1,'gucci','kw:replica',1),
 ('A2','S1',90,1,'gucci','kw:replica',1),
 ('A3','S2',85,1,'gucci','kw:1:1',1),
 ('A4','S3',80,1,'prada','price:0.1×ref',1),
 ('A5','S4',60,1,'coach','kw:aaa',1),
 ('A6','S5',40,0,'lv','',1),
 ('A7','S6',99,1,'hermes','kw:高仿',1),
 ('A8','S3',70,1,'prada','kw:replica',1),
 ('A9','S4',75,1,'coach','kw:replica',1),
 ('U1','S7',90,1,'nike','kw:replica',1);
