-- listings.sql - listings to sample from (loaded with the sqlite3 CLI into a casekit store)
-- S1 and S2 are one network (N1). A6 scores below 50, A8 is removed, A9 was test-bought
-- already, U1 is priced in USD and A10 is not scored.
BEGIN;
INSERT INTO sellers(seller_id, source_id, line) VALUES
 ('S1',1,2),('S2',1,3),('S3',1,4),('S4',1,5),('S5',1,6),('S6',1,7),('S7',1,8);
INSERT INTO listings(listing_id, seller_id, title, brand, price, currency, status,
 source_id, line) VALUES
 ('A1','S1','bag','gucci',10000,'CNY',NULL,2,2),
 ('A2','S1','bag','gucci',12000,'CNY',NULL,2,3),
 ('A3','S2','bag','gucci',9000,'CNY',NULL,2,4),
 ('A4','S3','bag','prada',20000,'CNY',NULL,2,5),
 ('A5','S4','belt','coach',5000,'CNY',NULL,2,6),
 ('A6','S5','bag','lv',30000,'CNY',NULL,2,7),
 ('A7','S6','bag','hermes',100000,'CNY',NULL,2,8),
 ('A8','S3','bag','prada',15000,'CNY','removed',2,9),
 ('A9','S4','belt','coach',8000,'CNY',NULL,2,10),
 ('U1','S7','shoe','nike',5000,'USD',NULL,2,11),
 ('A10','S7','shoe','nike',3000,'CNY',NULL,2,12);
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
INSERT INTO testbuys(testbuy_id, listing_id, cost, currency, verdict, source_id, line) VALUES
 ('T1','A9',8000,'CNY','counterfeit',3,2);
COMMIT;
